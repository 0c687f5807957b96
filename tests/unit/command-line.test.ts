import { describe, expect, it } from 'vitest';
import { parseCommand, splitWords } from '../../src/ui/command-line';

describe('console command line', () => {
  it('splits words as a shell does for quotes and backslashes', () => {
    expect(splitWords('  nc   127.0.0.1 8888 ')).toEqual(['nc', '127.0.0.1', '8888']);
    expect(splitWords(`curl -H 'X-Name: 李 雷' -d "{\\"a\\": 1}" url`)).toEqual([
      'curl',
      '-H',
      'X-Name: 李 雷',
      '-d',
      '{"a": 1}',
      'url',
    ]);
    expect(splitWords(`a\\ b '' "it's"`)).toEqual(['a b', '', "it's"]);
    expect(splitWords(`curl 'unclosed`)).toBeNull();
    expect(splitWords('')).toEqual([]);
  });

  it('knows the tools and its own commands, and gives any other line to sh', () => {
    expect(parseCommand('nc -u localhost 9')).toEqual({
      kind: 'tool',
      tool: 'nc',
      argv: ['nc', '-u', 'localhost', '9'],
      background: false,
    });
    expect(parseCommand('curl http://127.0.0.1:8000/')).toMatchObject({
      kind: 'tool',
      tool: 'curl',
    });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
    expect(parseCommand('clear')).toEqual({ kind: 'clear' });
    expect(parseCommand('   ')).toEqual({ kind: 'empty' });
    expect(parseCommand('python client.py | cat')).toEqual({
      kind: 'tool',
      tool: 'sh',
      argv: ['sh', '-c', 'python client.py | cat'],
      background: false,
    });
    expect(parseCommand('nc "x')).toEqual({ kind: 'unclosedQuote' });
  });

  it('runs a line that ends in a lone & in the background, and knows jobs and fg', () => {
    expect(parseCommand('python client.py &')).toEqual({
      kind: 'tool',
      tool: 'sh',
      argv: ['sh', '-c', 'python client.py'],
      background: true,
    });
    expect(parseCommand('nc 127.0.0.1 9&  ')).toMatchObject({
      tool: 'nc',
      argv: ['nc', '127.0.0.1', '9'],
      background: true,
    });
    expect(parseCommand('sleep 1 && echo done &')).toMatchObject({
      argv: ['sh', '-c', 'sleep 1 && echo done'],
      background: true,
    });
    for (const line of ['true && false', 'echo "a &"', 'echo a\\&', "echo '&'"]) {
      expect(parseCommand(line)).toMatchObject({ argv: ['sh', '-c', line], background: false });
    }
    expect(parseCommand('&')).toMatchObject({ argv: ['sh', '-c', '&'], background: false });
    expect(parseCommand('jobs')).toEqual({ kind: 'jobs' });
    expect(parseCommand('fg')).toEqual({ kind: 'fg', spec: undefined });
    expect(parseCommand('fg %2')).toEqual({ kind: 'fg', spec: '%2' });
  });
});
