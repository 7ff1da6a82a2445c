/**
 * JSON parsing that says where a syntax error is. Node's own messages differ between versions
 * and some give no position at all, so on failure we re-scan the text to find the first bad
 * character ourselves and describe it in words a config author can act on.
 */
export type JsonParse =
  | { ok: true; value: unknown }
  | { ok: false; line: number; column: number; problem: string };

export function parseJson(text: string): JsonParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    const located = locateSyntaxError(body) ?? fromNativeMessage(body, error);
    return { ok: false, ...lineAndColumn(body, located.offset), problem: located.problem };
  }
}

type Located = { offset: number; problem: string };

class SyntaxProblem extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** Returns the first syntax error in `text`, or undefined if the scanner finds none. */
export function locateSyntaxError(text: string): Located | undefined {
  if (text.trim() === '') return { offset: 0, problem: 'the file is empty; expected a JSON object' };
  try {
    new Scanner(text).document();
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxProblem) return { offset: error.offset, problem: error.problem };
    if (error instanceof RangeError) return { offset: 0, problem: 'the JSON is nested too deeply' };
    throw error;
  }
}

function fromNativeMessage(text: string, error: unknown): Located {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message)?.[1];
  return { offset: position === undefined ? 0 : Math.min(Number(position), text.length), problem: message };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'] as const;

class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.whitespace();
    this.value();
    this.whitespace();
    if (this.pos < this.text.length) {
      this.fail('unexpected text after the end of the JSON value (a missing "," or an extra "}"?)');
    }
  }

  private value(): void {
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const literal of LITERALS) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    if (c === "'") this.fail('strings must use double quotes (")');
    this.fail('expected a value (a string, number, object, array, true, false or null)');
  }

  private object(): void {
    this.pos++;
    this.whitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.key();
      this.whitespace();
      if (this.text[this.pos] !== ':') this.fail('expected ":" after the property name');
      this.pos++;
      this.whitespace();
      this.value();
      this.whitespace();
      const c = this.text[this.pos];
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail('expected "," or "}" after a property value');
      this.pos++;
      this.whitespace();
      if (this.text[this.pos] === '}') this.fail('trailing comma: remove the "," before "}"');
    }
  }

  private key(): void {
    const c = this.text[this.pos];
    if (c === '"') return this.string();
    if (c === "'") this.fail('property names must use double quotes (")');
    if (c !== undefined && /[A-Za-z_$]/.test(c)) this.fail('property names must be in double quotes');
    this.fail('expected a property name in double quotes');
  }

  private array(): void {
    this.pos++;
    this.whitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.whitespace();
      const c = this.text[this.pos];
      if (c === ']') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail('expected "," or "]" after an array element');
      this.pos++;
      this.whitespace();
      if (this.text[this.pos] === ']') this.fail('trailing comma: remove the "," before "]"');
    }
  }

  private string(): void {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        this.pos++;
        return;
      }
      if (code < 0x20) this.fail('line break or control character inside a string (escape it, e.g. \\n)');
      if (code === 0x5c) {
        const next = this.text[this.pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
            this.fail('"\\u" must be followed by four hex digits');
          }
          this.pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) {
          this.fail('invalid escape in a string (write a backslash as "\\\\")');
        }
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos = start;
    this.fail('unterminated string (a missing closing ")');
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('invalid number');
    this.pos += match[0].length;
  }

  private whitespace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
      } else if (c === '/' && (this.text[this.pos + 1] === '/' || this.text[this.pos + 1] === '*')) {
        this.fail('comments are not allowed in JSON; annotate with a "$comment" key instead');
      } else {
        return;
      }
    }
  }

  private fail(problem: string): never {
    const c = this.text[this.pos];
    const got =
      c === undefined ? 'the end of the file' : c === '\n' || c === '\r' ? 'a line break' : `'${c}'`;
    throw new SyntaxProblem(this.pos, `${problem}, got ${got}`);
  }
}
