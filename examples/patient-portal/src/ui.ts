/**
 * Small DOM helpers shared by the two apps: elements built with `textContent` only (never HTML), a status line, an
 * error panel that says what happened and what to do, and the offline state that disables the controls that need the
 * records service.
 * @module
 */
import { type Explanation, explain } from './explain.js'

type Attrs = Record<string, string | undefined>

/** Creates an element with attributes and children (text is set as text, never parsed). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v)
  for (const c of children) if (c !== undefined) el.append(c)
  return el
}

/** The element with `data-testid="id"`. */
export const $ = <T extends HTMLElement = HTMLElement>(testid: string) =>
  document.querySelector(`[data-testid="${testid}"]`) as T

/** Shows a short progress or result line; `ready` tells tests (and screen readers, via aria-busy) the page is idle. */
export function setStatus(text: string, ready?: boolean) {
  const el = $('app-status')
  el.textContent = text
  if (ready !== undefined) {
    el.dataset.ready = String(ready)
    document.body.setAttribute('aria-busy', String(!ready))
  }
}

/** A failure as a panel: what happened, what to do, and the code behind a "details" control. */
export function errorPanel(e: Explanation, testid = 'error'): HTMLElement {
  return h(
    'div',
    { class: 'error', role: 'alert', 'data-testid': testid, 'data-code': e.code },
    h('p', { class: 'what' }, e.what),
    h('p', {}, h('strong', {}, 'What you can do: '), e.todo),
    h('details', {}, h('summary', {}, 'Details'), h('p', {}, `Error code: ${e.code}`)),
  )
}

/**
 * Reports a failure in the page's error area. When the service cannot be reached, the page goes offline: the
 * controls that need it are disabled (`fieldset.needs-service`) and a "Try again" button is offered.
 */
export function showError(err: unknown): Explanation {
  const e = explain(err)
  $('errors').replaceChildren(errorPanel(e))
  setOffline(e.offline)
  setStatus(e.offline ? 'Offline: the records service cannot be reached.' : 'Something went wrong: see below.', true)
  return e
}

/** Clears the error area. */
export function clearError() {
  $('errors').replaceChildren()
}

/**
 * Disables (or enables again) every control that needs the records service; "Try again" is offered when `retry`
 * (default: when disabled), i.e. when trying again can help.
 */
export function setOffline(offline: boolean, retry = offline) {
  document.body.dataset.offline = String(offline)
  for (const fs of document.querySelectorAll<HTMLFieldSetElement>('fieldset.needs-service')) fs.disabled = offline
  $('retry').hidden = !retry
}

/**
 * Runs an action with a status line: "Ready." at the end, or the error explained.
 * @returns whether it succeeded
 */
export async function busy(label: string, fn: () => Promise<void>): Promise<boolean> {
  setStatus(label, false)
  clearError()
  try {
    await fn()
    setOffline(false)
    setStatus('Ready.', true)
    return true
  } catch (err) {
    showError(err)
    return false
  }
}

/** Short form of a long hex value, for the details lists. */
export const short = (hex: string, n = 10) => (hex.length > 2 * n + 3 ? `${hex.slice(0, n + 2)}…${hex.slice(-n)}` : hex)

/** A `<dl>` of label/value pairs (in a details control). */
export function detailsList(pairs: readonly (readonly [string, string])[], testid?: string): HTMLElement {
  return h(
    'details',
    testid ? { 'data-testid': testid } : {},
    h('summary', {}, 'Details'),
    h('dl', {}, ...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, v)])),
  )
}

/** A page setting: `?name=` (remembered in this browser), else the last one used, else `fallback`. */
function setting(name: string, fallback: string | undefined): string | undefined {
  const q = new URLSearchParams(location.search).get(name)?.trim()
  if (q) {
    localStorage.setItem(`medseal-${name}`, q)
    return q
  }
  return localStorage.getItem(`medseal-${name}`) ?? fallback
}

/** Where the records service is: `?service=` (remembered), else the last one used, else the local default. */
export const serviceUrl = (): string => setting('service', 'http://127.0.0.1:8787') as string

/** The chain's JSON-RPC URL when the service's ledger is an EVM chain: `?rpc=` (remembered), else none. */
export const rpcUrl = (): string | undefined => setting('rpc', undefined)
