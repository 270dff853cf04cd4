/**
 * Translating a preact-rendered library at the source: preact's own `options.vnode` hook sees
 * every element as it is created, before it reaches the DOM, on first render and re-render
 * alike. Used for the parts of form-js and of the BPMN properties panel that have no
 * translation service (their English is literal inside their components).
 */

/** The props that carry words meant for people. */
const TEXT_PROPS = ['label', 'title', 'placeholder', 'aria-label', 'description', 'tooltip', 'alt'];

interface PreactOptions {
  vnode?: (vnode: any) => void;
}

/**
 * Passes the text props and string children of every element through `translate`.
 * Usage: `import { options } from 'preact'; translateVnodes(options, (t, prop) => ZH[t] ?? t)`.
 */
export function translateVnodes(options: PreactOptions, translate: (text: string, prop?: string) => string): void {
  const previous = options.vnode;
  options.vnode = (vnode) => {
    const props = vnode?.props;
    if (props && typeof props === 'object' && typeof vnode.type !== 'undefined') {
      for (const p of TEXT_PROPS) if (typeof props[p] === 'string') props[p] = translate(props[p], p);
      const c = props.children;
      if (typeof c === 'string') props.children = translate(c);
      else if (Array.isArray(c) && c.some((x) => typeof x === 'string')) props.children = c.map((x) => (typeof x === 'string' ? translate(x) : x));
    }
    previous?.(vnode);
  };
}
