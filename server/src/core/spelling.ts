/** The word of `words` closest to a misspelt one (a typo: edit distance at most 2); the first of equals. */
export function closestSpelling(missing: string, words: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const word of words) {
    if (Math.abs(word.length - missing.length) >= bestDistance) continue;
    const d = editDistance(missing, word, bestDistance);
    if (d < bestDistance) {
      best = word;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, or `limit` as soon as it cannot be below it. */
function editDistance(a: string, b: string, limit: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return Math.min(prev[b.length], limit);
}
