export const CACHE_PATH: string;
export function cacheDir(): string;
