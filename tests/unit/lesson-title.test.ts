import { describe, expect, it } from 'vitest';
import { withoutTitle } from '../../src/lessons/format';

describe('withoutTitle', () => {
  it("drops the text's leading heading when it is the title the pane shows", () => {
    expect(withoutTitle('# The first process\n\nA **process** is…', 'The first process')).toBe(
      '\nA **process** is…',
    );
    expect(withoutTitle('#  第一个进程 #\r\n正文', '第一个进程')).toBe('正文');
  });

  it('keeps any other heading, and text without one', () => {
    expect(withoutTitle('# Something else\ntext', 'The first process')).toBe(
      '# Something else\ntext',
    );
    expect(withoutTitle('## The first process\ntext', 'The first process')).toBe(
      '## The first process\ntext',
    );
    expect(withoutTitle('text', 'The first process')).toBe('text');
  });
});
