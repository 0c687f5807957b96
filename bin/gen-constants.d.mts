export const CONSTANTS_PY: string;
export function renderConstantsPy(): Promise<string>;
