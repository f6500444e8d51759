export function build(root: string): { status: number; output: string };
export function buildIfStale(root: string, log?: (text: string) => void): string | undefined;
