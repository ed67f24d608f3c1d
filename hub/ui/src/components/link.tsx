// A link that navigates without reloading the page (plain clicks only: a modified click opens a tab as usual).
import type { ComponentChildren } from 'preact';
import { navigate } from '../navigation.ts';

/** An <a href> that uses the history API for plain clicks. */
export function Link(props: { href: string; children: ComponentChildren; class?: string; title?: string; 'aria-current'?: 'page' }) {
  const { href, children, ...rest } = props;
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={onClick} {...rest}>{children}</a>;
}
