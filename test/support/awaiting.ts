/**
 * The decoder claims (causal SHA and block, cross-attention, decoder models) landed at the freeze
 * with expectations that allow both verdicts and findings not yet pinned: named here so that the
 * rule still fails for every other entry. Giving them reasons and pins is open (notes/pins.md).
 */
export const AWAITING_REASONS = /^(sha\.causal|attention-block\.causal|cross-attention|model\.decoder)\./;
