/**
 * Turns zod issues into lines of one shape: `<key path>: <what was expected>, got <value>`,
 * or `<key path>: unknown key (<the fix>)`. The value shown is read from the input by path,
 * so the text does not depend on zod's wording.
 */
import { z } from 'zod';
import { closestKey } from './did-you-mean.js';

type Segment = PropertyKey;

export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, schema: z.ZodType): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        lines.push(`${keyPath([...issue.path, key])}: ${unknownKeyFix(schema, issue.path, key)}`);
      }
      continue;
    }
    const found = valueAt(input, issue.path);
    const got = found.present ? describeValue(found.value) : 'nothing (this key is required)';
    lines.push(`${keyPath(issue.path)}: ${issue.message}, got ${got}`);
  }
  return lines;
}

/** `sources[0].replicaUUID`; the root itself is `(root)`. */
export function keyPath(path: readonly Segment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** A short, safe rendering of a value the user wrote: JSON, cut at 60 characters. */
export function describeValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function unknownKeyFix(schema: z.ZodType, parentPath: readonly Segment[], key: string): string {
  const known = knownKeysAt(schema, parentPath);
  const suggestion = closestKey(key, known);
  if (suggestion !== undefined) return `unknown key (did you mean "${suggestion}"?)`;
  const elsewhere = findKeyElsewhere(schema, key);
  if (elsewhere !== undefined) return `unknown key here (it belongs ${elsewhere})`;
  if (/secret|token|api.?key|password/i.test(key)) {
    return 'unknown key (the secret is never read from the config file: set SENSAY_ORGANIZATION_SECRET or api.organizationSecretFile)';
  }
  return known.length === 0 ? 'unknown key' : `unknown key (expected one of: ${known.join(', ')})`;
}

/** The object schema at `path` (array indices step into the element), or undefined. */
function objectAt(schema: z.ZodType, path: readonly Segment[]): z.ZodObject | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodArray && typeof segment === 'number') {
      current = unwrap(current.element as z.ZodType);
    } else if (current instanceof z.ZodObject && typeof segment === 'string') {
      const next = current.shape[segment] as z.ZodType | undefined;
      current = next === undefined ? undefined : unwrap(next);
    } else {
      return undefined;
    }
  }
  return current instanceof z.ZodObject ? current : undefined;
}

function knownKeysAt(schema: z.ZodType, path: readonly Segment[]): string[] {
  const object = objectAt(schema, path);
  return object === undefined ? [] : Object.keys(object.shape);
}

/** For a key written at the wrong level: where it does belong, e.g. `in "limits"`. */
function findKeyElsewhere(schema: z.ZodType, key: string): string | undefined {
  const root = objectAt(schema, []);
  const places: string[] = [];
  if (root !== undefined) collectPlaces(root, key, [], places);
  return places[0];
}

function collectPlaces(object: z.ZodObject, key: string, prefix: readonly string[], places: string[]): void {
  for (const [name, child] of Object.entries(object.shape)) {
    if (name === key) places.push(describePlace(prefix));
    const inner = unwrap(child as z.ZodType);
    if (inner instanceof z.ZodObject) {
      collectPlaces(inner, key, [...prefix, name], places);
    } else if (inner instanceof z.ZodArray) {
      const element = unwrap(inner.element as z.ZodType);
      if (element instanceof z.ZodObject) collectPlaces(element, key, [...prefix, `${name}[]`], places);
    }
  }
}

function describePlace(prefix: readonly string[]): string {
  if (prefix.length === 0) return 'at the top level';
  const last = prefix.join('.');
  return last.endsWith('[]') ? `in each entry of "${last.slice(0, -2)}"` : `in "${last}"`;
}

/** Sees through default/prefault/optional/nullable/transform wrappers to the schema that validates. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      // A preprocess is a pipe from a transform into the schema that validates.
      current = (current.in instanceof z.ZodTransform ? current.out : current.in) as z.ZodType;
    } else {
      return current;
    }
  }
}

function valueAt(input: unknown, path: readonly Segment[]): { present: true; value: unknown } | { present: false } {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return { present: false };
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current === undefined ? { present: false } : { present: true, value: current };
}
