export function fileSource(name: string): string;
export function exceptionLines(stderr: string): string[];
