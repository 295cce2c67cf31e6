import type { DocumentType } from '../../../shared/types.ts';
import type { MessageKey } from '../i18n.ts';

/** The message naming each document type ('Excel 工作簿' / 'Excel workbook'). */
export function documentTypeKey(type: DocumentType): MessageKey {
  switch (type) {
    case 'pdf':
      return 'typePdf';
    case 'docx':
      return 'typeDocx';
    case 'doc':
      return 'typeDoc';
    case 'markdown':
      return 'typeMarkdown';
    case 'text':
      return 'typeText';
    case 'html':
      return 'typeHtml';
    case 'csv':
      return 'typeCsv';
    case 'xlsx':
      return 'typeXlsx';
    case 'xls':
      return 'typeXls';
    case 'ods':
      return 'typeOds';
    case 'pptx':
      return 'typePptx';
    case 'ofd':
      return 'typeOfd';
    default:
      return type satisfies never;
  }
}
