/**
 * The decoder claims (causal SHA and block, cross-attention, decoder models) landed at the freeze
 * with findings not yet pinned: named here so that the every-finding-is-pinned rule still fails for
 * every other claim. Their expectations carry measured reasons; pinning them is open.
 */
export const AWAITING_REASONS = /^(sha\.causal|attention-block\.causal|cross-attention|model\.decoder)\./;
