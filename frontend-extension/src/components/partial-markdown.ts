/**
 * Cut-off Markdown made presentable while an answer streams (or after it was cut off),
 * so that no raw marker shows: an open code fence is closed, and the end of the last
 * paragraph loses what is only half written (a bare list marker, a dangling `*`, a half
 * link, open display math) or gets the emphasis and inline code closed that it opened.
 * A completed answer is always rendered as it is.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HALF_FENCE = /^ {0,3}(`{1,2}|~{1,2})$/;
const BARE_MARKER = /^\s*([-*+>]|\d+[.)]|#{1,6})\s*$/;

/** The fence still open at the end of `lines`, if any. */
function openFence(lines: readonly string[]): string | undefined {
  let open: string | undefined;
  for (const line of lines) {
    const fence = FENCE.exec(line)?.[1];
    if (!fence) {
      continue;
    }
    if (open === undefined) {
      open = fence;
    } else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) {
      open = undefined;
    }
  }
  return open;
}

const isSpace = (c: string | undefined): boolean => c === undefined || /\s/.test(c);

/**
 * Closes the inline code and emphasis that `paragraph` leaves open, and cuts a marker
 * opened at its very end, a link whose target is not complete, or unclosed `$$` math.
 */
function settleParagraph(paragraph: string): string {
  const open: Array<{ token: string; at: number }> = [];
  let cut = paragraph.length;
  let code = -1;
  let mathAt = -1;
  let linkAt = -1;
  let inlineMath = false;
  for (let i = 0; i < paragraph.length; i++) {
    const c = paragraph[i];
    if (code >= 0) {
      code = c === '`' ? -1 : code;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '`') {
      code = i;
      continue;
    }
    if (c === '$' && paragraph[i + 1] === '$') {
      mathAt = mathAt < 0 ? i : -1;
      i++;
    } else if (c === '$') {
      // Inline math (or a price): its `*` and `[` are not Markdown.
      inlineMath = !inlineMath;
    } else if (mathAt >= 0 || inlineMath) {
      continue;
    } else if (c === '[') {
      linkAt = i;
    } else if (c === ')' && linkAt >= 0 && paragraph.lastIndexOf('](', i) > linkAt) {
      linkAt = -1;
    } else if (c === ']' && linkAt >= 0 && paragraph[i + 1] !== '(' && i + 1 < paragraph.length) {
      linkAt = -1;
    } else if (c === '*') {
      const token = paragraph[i + 1] === '*' ? '**' : '*';
      const top = open[open.length - 1];
      if (top?.token === token && !isSpace(paragraph[i - 1])) {
        open.pop();
      } else if (!isSpace(paragraph[i + token.length])) {
        open.push({ token, at: i });
      } else if (i + token.length === paragraph.length) {
        cut = i;
      }
      i += token.length - 1;
    }
  }
  if (code >= 0 && code === paragraph.length - 1) {
    cut = Math.min(cut, code);
    code = -1;
  }
  for (const at of [mathAt, linkAt]) {
    if (at >= 0) {
      cut = Math.min(cut, at);
    }
  }
  const kept = open.filter((o) => o.at < cut);
  let text = paragraph.slice(0, cut).trimEnd();
  if (code >= 0 && code < cut) {
    text += '`';
  }
  for (const o of kept.reverse()) {
    text += o.token;
  }
  return text;
}

/** `text`, a Markdown answer cut off anywhere, made safe to render without raw markers. */
export function settlePartialMarkdown(text: string): string {
  const lines = text.split('\n');
  const fence = openFence(lines);
  if (fence !== undefined) {
    return `${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
  }
  while (lines.length > 0 && (HALF_FENCE.test(lines[lines.length - 1]) || BARE_MARKER.test(lines[lines.length - 1]))) {
    lines.pop();
  }
  let start = lines.length;
  while (start > 0 && lines[start - 1].trim() !== '') {
    start--;
  }
  if (start === lines.length) {
    return lines.join('\n');
  }
  return [...lines.slice(0, start), settleParagraph(lines.slice(start).join('\n'))].join('\n');
}
