export function buildIfStale(root: string, log?: (text: string) => void): string | undefined;
