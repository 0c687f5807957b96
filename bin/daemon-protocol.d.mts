import type { Socket } from 'node:net';

export const SOCKET_NAME: string;
export const LOCK_NAME: string;
export const LOG_NAME: string;
export function idleSeconds(): number;
export function socketPath(cache: string): string | null;
export function daemonKey(): string;
export function send(socket: Socket, message: object): Promise<void>;
export function readMessages(socket: Socket, onMessage: (message: unknown) => void): void;
