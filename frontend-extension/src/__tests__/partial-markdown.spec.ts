import { describe, expect, it } from 'vitest';

import { settlePartialMarkdown } from '../components/partial-markdown';

describe('a streaming answer cut off mid-Markdown', () => {
  it('closes an open code fence with the same marker', () => {
    expect(settlePartialMarkdown('Try:\n\n```python\nxs = [1, 2')).toBe('Try:\n\n```python\nxs = [1, 2\n```');
    expect(settlePartialMarkdown('~~~~\ncode\n')).toBe('~~~~\ncode\n~~~~');
  });

  it('leaves closed fences and the code inside them alone', () => {
    const text = '```\na = b * c [x\n```\n\nDone.';
    expect(settlePartialMarkdown(text)).toBe(text);
  });

  it('drops a fence still being typed', () => {
    expect(settlePartialMarkdown('Here:\n``')).toBe('Here:');
  });

  it('drops a marker that opens at the very end', () => {
    expect(settlePartialMarkdown('This is **')).toBe('This is');
    expect(settlePartialMarkdown('This is *')).toBe('This is');
  });

  it('closes emphasis and inline code opened in the last paragraph, innermost first', () => {
    expect(settlePartialMarkdown('This is **very')).toBe('This is **very**');
    expect(settlePartialMarkdown('an *aside')).toBe('an *aside*');
    expect(settlePartialMarkdown('**bold and *both')).toBe('**bold and *both***');
    expect(settlePartialMarkdown('call `df.mean(')).toBe('call `df.mean(`');
    expect(settlePartialMarkdown('call `')).toBe('call');
  });

  it('does not take multiplication, bullets, escapes or math for emphasis', () => {
    for (const text of ['a * b = c', '* first item', 'a \\*literal', 'so $a*b$ is', 'code `a*b` here', 'done **bold** and *it*']) {
      expect(settlePartialMarkdown(text)).toBe(text);
    }
  });

  it('hides a link until its target is complete', () => {
    expect(settlePartialMarkdown('See [the docs](https://docs.pyth')).toBe('See');
    expect(settlePartialMarkdown('See [the docs]')).toBe('See');
    expect(settlePartialMarkdown('See [the docs](https://a.example/) now')).toBe('See [the docs](https://a.example/) now');
    expect(settlePartialMarkdown('use xs[0] here')).toBe('use xs[0] here');
  });

  it('hides display math until it is closed', () => {
    expect(settlePartialMarkdown('The mean is\n$$\\frac{1}{n}')).toBe('The mean is');
    expect(settlePartialMarkdown('$$x^2$$ done')).toBe('$$x^2$$ done');
  });

  it('drops a bare list or heading marker on the last line', () => {
    expect(settlePartialMarkdown('Steps:\n\n1. load\n2.')).toBe('Steps:\n\n1. load');
    expect(settlePartialMarkdown('Intro text\n-')).toBe('Intro text');
    expect(settlePartialMarkdown('Intro\n\n##')).toBe('Intro\n');
  });

  it('only looks at the last paragraph', () => {
    expect(settlePartialMarkdown('a *b\n\nc **d')).toBe('a *b\n\nc **d**');
  });
});
