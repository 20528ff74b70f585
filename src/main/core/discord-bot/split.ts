/** Discord's 2000-character message limit: long answers are split at line ends into several messages. */

export const DISCORD_MESSAGE_LIMIT = 2000;

/** Splits text into chunks of at most `limit` UTF-16 units, preferring line ends, never splitting a surrogate pair. */
export function splitMessage(text: string, limit = DISCORD_MESSAGE_LIMIT): string[] {
  if (limit < 2) throw new RangeError('limit must be at least 2');
  const body = text.trimEnd();
  if (body.length === 0) return ['(empty)'];
  const chunks: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim().length > 0) chunks.push(current.trimEnd());
    current = '';
  };
  for (const line of body.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    push();
    let rest = line;
    while (rest.length > limit) {
      let cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
      chunks.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  push();
  return chunks.length > 0 ? chunks : ['(empty)'];
}
