// web-xlsx.mjs: the import tests build real XLSX files with the app's own writer (web/js/xlsx.js), as Buffers.
import { xlsx as xlsxBytes } from '../../web/js/xlsx.js';

/** An XLSX workbook of text cells, named 学生 like a school's roster. @param {string[][]} rows @returns {Buffer} */
export function xlsx(rows) { return Buffer.from(xlsxBytes(rows, '学生')); }
