/**
 * Parses a relation name given as text ('my_seq', 'public.my_seq', '"Mixed"."Name"'), the way
 * regclass input does: unquoted parts fold to lower case, quoted ones keep case.
 */
import type { QualifiedName } from './names.js';

export function parseQualifiedText(text: string): QualifiedName {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let part = '';
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          part += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else part += text[i++];
      }
      parts.push(part);
    } else {
      const end = text.indexOf('.', i);
      const raw = end < 0 ? text.slice(i) : text.slice(i, end);
      parts.push(raw.trim().toLowerCase());
      i = end < 0 ? text.length : end;
    }
    if (text[i] === '.') i++;
  }
  const name = parts[parts.length - 1] ?? '';
  return { schema: parts.length >= 2 ? parts[parts.length - 2] : undefined, name };
}
