/**
 * One event stream for the whole server: jobs created and changing phase, credits charged,
 * refunded or set, requests journaled, faults fired, state reset.
 *
 * The core's own services publish (the job store, the ledger, the journal, the provider
 * middleware), so a provider publishes just by using them; nothing here knows who listens (the
 * dashboard, `GET /__emulator/events`, a test). Listeners run synchronously, in the publisher's
 * turn: a listener must be quick and must not throw (one that throws is dropped from that event
 * and the rest still run).
 */
import type { JobPhase } from "./job-engine.js";

/** Something that happened, at an emulated time `at` (ms). */
export type EmulatorEvent =
  | {
      type: "job.created";
      at: number;
      provider: string;
      jobId: string;
      tenantKey: string;
      /** The phase at creation (already `succeeded` on an instant clock). */
      phase: JobPhase;
    }
  | {
      type: "job.phase";
      at: number;
      provider: string;
      jobId: string;
      tenantKey: string;
      phase: JobPhase;
      previous: JobPhase;
    }
  | {
      type: "credits.charged" | "credits.refunded" | "credits.set";
      at: number;
      tenantKey: string;
      /** Credits moved (or the new balance, for `credits.set`). */
      amount: number;
      balance: number;
      /** What it was for, as the provider wrote it (`aitubo create <job id>`). */
      memo: string;
    }
  | {
      type: "request.journaled";
      at: number;
      seq: number;
      provider: string;
      /** The key, redacted as the journal shows it. */
      tenant: string;
      method: string;
      path: string;
      status: number;
    }
  | {
      type: "fault.fired";
      at: number;
      provider: string;
      method: string;
      path: string;
      /** What fired, as the journal names it (`error 503`, `rate-limit`, `fail-job`). */
      faults: string[];
    }
  | { type: "state.reset"; at: number; key?: string };

/** The names of the events. */
export type EmulatorEventType = EmulatorEvent["type"];

/** Every event name (for `?types=` filters and clients that subscribe by name). */
export const EVENT_TYPES = [
  "job.created",
  "job.phase",
  "credits.charged",
  "credits.refunded",
  "credits.set",
  "request.journaled",
  "fault.fired",
  "state.reset",
] as const satisfies readonly EmulatorEventType[];

/** Receives every event. */
export type EventListener = (event: EmulatorEvent) => void;

/** Publish and subscribe. */
export interface EventBus {
  /** Delivers an event to every listener (synchronously). */
  publish(event: EmulatorEvent): void;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void;
  /**
   * True while anyone listens: publishers on hot paths check it before building an event, so a
   * server nobody watches pays nothing.
   */
  readonly listening: boolean;
}

/**
 * Creates an event bus.
 * @example
 * const events = createEventBus();
 * const stop = events.subscribe((e) => console.log(e.type));
 * events.publish({ type: "state.reset", at: 0 }); // logs "state.reset"
 * stop();
 */
export function createEventBus(): EventBus {
  // A fresh array on every change, so a listener that unsubscribes during delivery is safe.
  let listeners: readonly EventListener[] = [];
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A broken listener must not break the request or job that published.
        }
      }
    },
    subscribe(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    get listening() {
      return listeners.length > 0;
    },
  };
}
