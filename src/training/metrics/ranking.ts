/**
 * Ranking and retrieval metrics over queries: `relevance[q][i]` is the graded relevance of item i
 * for query q (0 = not relevant), `scores[q][i]` the model's score. Ties in the scores are
 * averaged over every order they could take, as sklearn.metrics.ndcg_score does (ignore_ties=False).
 */

/** 1 / log2(i + 2), written as sklearn writes it so the last bits agree. */
const discount = (i: number): number => 1 / (Math.log(i + 2) / Math.log(2));

/**
 * Σ gain × discount over the top k positions, with each tie group's gains averaged over the
 * positions it spans (sklearn's _tie_averaged_dcg).
 */
function tieAveragedGain(relevance: readonly number[], scores: readonly number[], weight: (position: number) => number, k: number): number {
  const order = relevance.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  let total = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    let groupGain = 0;
    for (let t = start; t <= end; t++) groupGain += relevance[order[t]!]!;
    let weights = 0;
    for (let pos = start; pos <= end && pos < k; pos++) weights += weight(pos);
    total += (groupGain / (end - start + 1)) * weights;
    start = end + 1;
  }
  return total;
}

/** Normalized DCG at k, averaged over queries; a query with no relevant item scores 0 (as in sklearn). */
export function ndcgAtK(relevance: readonly (readonly number[])[], scores: readonly (readonly number[])[], k: number): number {
  let sum = 0;
  relevance.forEach((rel, q) => {
    const dcg = tieAveragedGain([...rel], [...scores[q]!], discount, k);
    const ideal = [...rel].sort((a, b) => b - a);
    let idcg = 0;
    for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i]! * discount(i);
    sum += idcg === 0 ? 0 : dcg / idcg;
  });
  return sum / relevance.length;
}

/**
 * Recall at k: the share of a query's relevant items (relevance > 0) ranked in its top k, averaged
 * over queries that have a relevant item. A tie group straddling position k counts in proportion
 * to the slots it gets.
 */
export function recallAtK(relevance: readonly (readonly number[])[], scores: readonly (readonly number[])[], k: number): number {
  let sum = 0, queries = 0;
  relevance.forEach((rel, q) => {
    const hits = rel.map((r) => (r > 0 ? 1 : 0));
    const total = hits.reduce((a: number, b) => a + b, 0);
    if (total === 0) return;
    sum += tieAveragedGain(hits, [...scores[q]!], () => 1, k) / total;
    queries++;
  });
  return queries === 0 ? NaN : sum / queries;
}
