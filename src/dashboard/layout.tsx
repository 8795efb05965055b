/**
 * The page shell: head, navigation, the live-connection indicator, the stylesheet and the client.
 */
import type { Child } from "hono/jsx";
import { raw } from "hono/utils/html";
import { EVENT_TYPES } from "../emulators/core/events.js";
import { CLIENT_SCRIPT } from "./client.js";
import { UI } from "./format.js";
import { STYLE } from "./style.js";

/** The pages in the navigation. */
const NAV = [
  { href: `${UI}`, label: "Overview", id: "overview" },
  { href: `${UI}/jobs`, label: "Jobs", id: "jobs" },
  { href: `${UI}/journal`, label: "Journal", id: "journal" },
  { href: `${UI}/faults`, label: "Faults", id: "faults" },
  { href: `${UI}/credits`, label: "Credits", id: "credits" },
] as const;

/** Which navigation entry a page belongs to. */
export type Section = (typeof NAV)[number]["id"] | "tenant";

/** A whole page. */
export function Layout(props: { title: string; section: Section; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <meta name="emulator-events" content={EVENT_TYPES.join(",")} />
        <title>{`${props.title} · imagegen-emulators`}</title>
        <style>{raw(STYLE)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href={UI}>
            imagegen<span>-emulators</span>
          </a>
          <nav aria-label="dashboard">
            {NAV.map((n) => (
              <a href={n.href} aria-current={n.id === props.section ? "page" : undefined}>
                {n.label}
              </a>
            ))}
          </nav>
          <span class="live" title="live updates over server-sent events">
            <span class="dot" aria-hidden="true" />
            live
          </span>
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          <output id="page-status" class="form-status" aria-live="polite" />
          {props.children}
        </main>
        <script>{raw(CLIENT_SCRIPT)}</script>
      </body>
    </html>
  );
}
