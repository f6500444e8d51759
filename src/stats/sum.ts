/** Neumaier's compensated sum: float64 accumulation whose error does not grow with the count. */
export function compensatedSum(values: ArrayLike<number>): number {
  const sum = new Neumaier();
  for (let i = 0; i < values.length; i++) sum.add(values[i]);
  return sum.total();
}

/** compensatedSum's accumulator, for sums whose terms are computed on the way. */
export class Neumaier {
  private sum = 0;
  private compensation = 0;

  add(v: number): void {
    const t = this.sum + v;
    this.compensation += Math.abs(this.sum) >= Math.abs(v) ? this.sum - t + v : v - t + this.sum;
    this.sum = t;
  }

  total(): number {
    return this.sum + this.compensation;
  }
}
