/**
 * The kernel behind the Embedscope panel. One process owns the DuckDB store (it locks the file), so
 * the panel prefers a kernel that already runs: its own background session (also after a page
 * reload), else an Embedscope kernel a notebook started; only then does it start a session. Sessions
 * it started are shared by its panels and shut down when the last one lets go.
 */
import type { Kernel, ServiceManager, Session } from "@jupyterlab/services";
import { UUID } from "@lumino/coreutils";
import { KERNEL_NAME, SESSION_TYPE } from "./ids";

export type KernelOrigin = "started" | "adopted" | "shared";

export interface KernelLease {
  readonly kernel: Kernel.IKernelConnection;
  readonly origin: KernelOrigin;
  /** Idempotent. Shuts the background session down when no panel uses it any more. */
  release(): Promise<void>;
}

/** The kernelspec is missing: the user has to install it, nothing here can fix that. */
export class KernelNotInstalledError extends Error {
  constructor() {
    super("The Embedscope kernel is not installed. Run `embedscope jupyter install` (or `--prefix` for this environment), then reload this page.");
    this.name = "KernelNotInstalledError";
  }
}

interface OwnedSession {
  session: Session.ISessionConnection;
  refs: number;
}

export class BackgroundKernels {
  private owned: OwnedSession | null = null;
  /** Acquisitions run one at a time, so two panels opened together never start two kernels. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly services: ServiceManager.IManager) {}

  acquire(): Promise<KernelLease> {
    const next = this.queue.then(() => this.acquireNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async acquireNow(): Promise<KernelLease> {
    await this.services.kernelspecs.ready;
    if (!this.services.kernelspecs.specs?.kernelspecs[KERNEL_NAME]) {
      // The list may predate `embedscope jupyter install`; ask the server once more.
      await this.services.kernelspecs.refreshSpecs();
      if (!this.services.kernelspecs.specs?.kernelspecs[KERNEL_NAME]) throw new KernelNotInstalledError();
    }

    if (this.owned && isAlive(this.owned.session.kernel)) return this.lease(this.owned, "adopted");
    this.owned = null;

    await this.services.sessions.refreshRunning();
    for (const model of this.services.sessions.running()) {
      if (model.type === SESSION_TYPE && model.kernel?.name === KERNEL_NAME) {
        const session = this.services.sessions.connectTo({ model });
        if (isAlive(session.kernel)) return this.lease((this.owned = { session, refs: 0 }), "adopted");
        session.dispose();
      }
    }

    await this.services.kernels.refreshRunning();
    for (const model of this.services.kernels.running()) {
      if (model.name === KERNEL_NAME) {
        const kernel = this.services.kernels.connectTo({ model, handleComms: true });
        let released = false;
        return {
          kernel,
          origin: "shared",
          release: async () => {
            if (released) return;
            released = true;
            // Only our connection: the kernel belongs to a notebook.
            kernel.dispose();
          },
        };
      }
    }

    const session = await this.services.sessions.startNew({
      path: `embedscope-viewer-${UUID.uuid4()}`,
      type: SESSION_TYPE,
      name: "Embedscope viewer",
      kernel: { name: KERNEL_NAME },
    });
    return this.lease((this.owned = { session, refs: 0 }), "started");
  }

  private lease(owned: OwnedSession, origin: KernelOrigin): KernelLease {
    const kernel = owned.session.kernel;
    if (!kernel) throw new Error("the Embedscope session has no kernel");
    owned.refs += 1;
    let released = false;
    return {
      kernel,
      origin,
      release: async () => {
        if (released) return;
        released = true;
        owned.refs -= 1;
        if (owned.refs > 0) return;
        if (this.owned === owned) this.owned = null;
        try {
          await owned.session.shutdown();
        } catch (err) {
          console.warn(`Embedscope: could not shut the background kernel down (${(err as Error).message})`);
        } finally {
          owned.session.dispose();
        }
      },
    };
  }
}

function isAlive(kernel: Kernel.IKernelConnection | null): kernel is Kernel.IKernelConnection {
  return !!kernel && !kernel.isDisposed && kernel.status !== "dead";
}
