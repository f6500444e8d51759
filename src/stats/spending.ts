/**
 * Group-sequential alpha spending for the adaptive loop (`adaptiveLoop`, claims/check.ts).
 *
 * The loop looks at a comparison after R = R0, 2R0, 4R0, ... , Rmax replicates and may stop at
 * any look (a `deviates` or a precise `holds`). Testing every look at the full alpha would inflate
 * the false-alarm rate; an equal Bonferroni split over K looks pays K times at every look.
 * A spending function alpha(t) of the information fraction t = R/Rmax (Lan & DeMets 1983) spends
 * alpha(t_k) - alpha(t_{k-1}) at look k, so the total over all looks is exactly alpha.
 *
 * Choice: the Pocock-type function alpha*ln(1 + (e-1)*t). Why not O'Brien-Fleming-type
 * (2 - 2*Phi(z_{alpha/2}/sqrt t))? Our looks are geometric in R, so the first look sits at
 * t = 1/16 (quick) down to t = 1/512 (thorough); O'Brien-Fleming spends ~0 there (critical values
 * of 8 to 90 sigma), so no config could ever stop early with a precise `holds`, which defeats the
 * adaptive design whose point is that easy configs finish fast. Pocock-type spending keeps early
 * boundaries moderate (~0.1*alpha at t = 1/16) while giving the final look, where hard configs end
 * and where `holds` needs the smallest critical value, a larger share than an equal split
 * (0.39*alpha at quick instead of 0.2*alpha).
 *
 * Each look's increment is turned into a critical value on its own (union bound over looks), not
 * by the exact recursive boundary computation: the statistics are Student-t with estimated
 * standard errors, not the Gaussian independent-increment process the recursion assumes, and the
 * union bound keeps the family-wise rate <= alpha whatever the correlation between looks.
 */
export function pocockSpending(alpha: number, informationFraction: number): number {
  const t = Math.min(1, Math.max(0, informationFraction));
  return alpha * Math.log(1 + (Math.E - 1) * t);
}

/** Information fractions R/Rmax of the doubling schedule R0, 2R0, ..., Rmax (Rmax = R0*2^k). */
export function lookFractions(initialReplicates: number, maxReplicates: number): number[] {
  const fractions: number[] = [];
  for (let r = initialReplicates; r < maxReplicates; r *= 2) fractions.push(r / maxReplicates);
  fractions.push(1);
  return fractions;
}

/**
 * Alpha spent at the look with `replicates` replicates: alpha(t_k) - alpha(t_{k-1}).
 * A count at or beyond Rmax is the final look and receives whatever is left.
 */
export function alphaAtLook(
  alpha: number,
  replicates: number,
  initialReplicates: number,
  maxReplicates: number,
): number {
  const fractions = lookFractions(initialReplicates, maxReplicates);
  const t = Math.min(1, replicates / maxReplicates);
  const k = fractions.findIndex((f) => f >= t - 1e-12);
  const previous = k > 0 ? fractions[k - 1] : 0;
  return pocockSpending(alpha, fractions[k]) - pocockSpending(alpha, previous);
}
