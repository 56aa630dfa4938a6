import { describe, expect, it } from 'vitest';
import type { MouseEvent } from 'react';
import { openInApp } from '@/features/customer/components/product-card';

/** A click on a link of the grid (stand-ins for the DOM: `closest`, `contains`, attributes). */
function click(href: string | null, init: Partial<{ button: number; ctrlKey: boolean; inside: boolean; target: string }> = {}) {
  const link = href === null ? null : { getAttribute: (name: string) => (name === 'href' ? href : name === 'target' ? (init.target ?? null) : null) };
  let prevented = false;
  const event = {
    defaultPrevented: false,
    button: init.button ?? 0,
    metaKey: false,
    ctrlKey: init.ctrlKey ?? false,
    shiftKey: false,
    altKey: false,
    target: { closest: () => link },
    currentTarget: { contains: () => init.inside ?? true },
    preventDefault: () => {
      prevented = true;
    },
  } as unknown as MouseEvent<HTMLElement>;
  const went: string[] = [];
  openInApp(event, (to) => went.push(to));
  return { went, prevented };
}

describe("the product grid's links", () => {
  it('open in the app on a plain click', () => {
    expect(click('/product/p1')).toEqual({ went: ['/product/p1'], prevented: true });
  });

  it('are left to the browser for a modified or middle click, another target, or outside links', () => {
    expect(click('/product/p1', { ctrlKey: true })).toEqual({ went: [], prevented: false });
    expect(click('/product/p1', { button: 1 })).toEqual({ went: [], prevented: false });
    expect(click('/product/p1', { target: '_blank' })).toEqual({ went: [], prevented: false });
    expect(click('https://example.com/')).toEqual({ went: [], prevented: false });
    expect(click('/product/p1', { inside: false })).toEqual({ went: [], prevented: false });
    expect(click(null)).toEqual({ went: [], prevented: false });
  });
});
