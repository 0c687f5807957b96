export function parseHeadersFile(
  text: string,
): { pattern: RegExp; headers: Record<string, string> }[];
export function serveStatic(
  dir: string,
  options?: { withHeaders?: boolean; cache?: string | null },
): Promise<{ url: string; close(): void }>;
