import type { ApiMediaGroup, FileMimeType } from './api-types.js';

type FileType = ApiMediaGroup['fileTypes'][number];
const ft = (extensions: string[], mimeTypes: FileMimeType[], supportLevel: FileType['supportLevel'] = 'production'): FileType => ({
  mimeTypes,
  extensions,
  supportLevel,
});

/**
 * What the simulator accepts, after the `filename` description in the current schema
 * (sensay-api.md §8). The live endpoint decides at runtime; this mirrors it for tests.
 */
export const MEDIA_GROUPS: readonly ApiMediaGroup[] = Object.freeze([
  {
    label: 'Documents',
    mediaType: 'document',
    fileTypes: [
      ft(['.pdf', '.pdfa'], ['application/pdf']),
      ft(['.doc'], ['application/msword']),
      ft(['.docx'], ['application/vnd.openxmlformats-officedocument.wordprocessingml.document']),
      ft(['.rtf'], ['application/rtf']),
      ft(['.ppt'], ['application/vnd.ms-powerpoint']),
      ft(['.pptx'], ['application/vnd.openxmlformats-officedocument.presentationml.presentation']),
      ft(['.txt'], ['text/plain']),
      ft(['.md'], ['text/markdown']),
      ft(['.htm', '.html'], ['text/html']),
      ft(['.css'], ['text/css']),
      ft(['.js'], ['text/javascript']),
      ft(['.xml'], ['text/xml']),
    ],
  },
  {
    label: 'Spreadsheets and data',
    mediaType: 'data',
    fileTypes: [
      ft(['.csv'], ['text/csv']),
      ft(['.tsv'], ['text/tab-separated-values']),
      ft(['.xls'], ['application/vnd.ms-excel']),
      ft(['.xlsx'], ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']),
      ft(['.xlsm'], ['application/vnd.ms-excel.sheet.macroEnabled.12']),
      ft(['.xlsb'], ['application/vnd.ms-excel.sheet.binary.macroenabled.12']),
      ft(['.ods'], ['application/vnd.oasis.opendocument.spreadsheet']),
      ft(['.json'], ['application/json']),
      ft(['.yml', '.yaml'], ['application/yaml']),
      ft(['.dta'], ['application/x-stata-dta', 'application/x-stata'], 'preview'),
      ft(['.sas7bdat'], ['application/x-sas-data'], 'preview'),
      ft(['.xpt'], ['application/x-sas-xport'], 'preview'),
    ],
  },
  { label: 'E-books', mediaType: 'ebook', fileTypes: [ft(['.epub'], ['application/epub+zip'])] },
  {
    label: 'Images',
    mediaType: 'image',
    fileTypes: [
      ft(['.png'], ['image/png']),
      ft(['.jpg', '.jpeg'], ['image/jpeg']),
      ft(['.webp'], ['image/webp']),
      ft(['.heic'], ['image/heic'], 'preview'),
      ft(['.heif'], ['image/heif'], 'preview'),
      ft(['.tiff'], ['image/tiff', 'image/tif']),
      ft(['.bmp'], ['image/bmp']),
    ],
  },
  {
    label: 'Audio',
    mediaType: 'audio',
    fileTypes: [
      ft(['.mp3'], ['audio/mpeg', 'audio/mp3']),
      ft(['.wav'], ['audio/wav']),
      ft(['.aac'], ['audio/aac']),
      ft(['.ogg'], ['audio/ogg']),
      ft(['.flac'], ['audio/flac']),
    ],
  },
  {
    label: 'Video',
    mediaType: 'video',
    limitation: 'Maximum duration: 90 minutes',
    fileTypes: [
      ft(['.mp4'], ['video/mp4']),
      ft(['.mpeg'], ['video/mpeg']),
      ft(['.mpg'], ['video/mpg']),
      ft(['.mov'], ['video/quicktime', 'video/mov']),
      ft(['.avi'], ['video/x-msvideo', 'video/avi']),
      ft(['.webm'], ['video/webm']),
      ft(['.mkv'], ['video/x-matroska']),
    ],
  },
]);

const BY_EXTENSION: ReadonlyMap<string, FileType> = new Map(
  MEDIA_GROUPS.flatMap((group) => group.fileTypes.flatMap((type) => type.extensions.map((ext) => [ext, type] as const))),
);

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot).toLowerCase();
}

/** The catalogue entry for a filename, or null when its extension is not accepted. */
export function fileTypeOf(filename: string): FileType | null {
  const type = BY_EXTENSION.get(extensionOf(filename));
  return type && type.supportLevel !== 'disabled' ? type : null;
}

export function mimeTypeOf(filename: string): FileMimeType | null {
  return (fileTypeOf(filename)?.mimeTypes[0] as FileMimeType | undefined) ?? null;
}
