export function stopDaemon(cache: string): Promise<boolean>;
