import type { ServiceManager } from "@jupyterlab/services";
import { describe, expect, it } from "vitest";
import { BackgroundKernels, KernelNotInstalledError } from "../../../jupyter-ext/src/backgroundKernel";
import { KERNEL_NAME, SESSION_TYPE } from "../../../jupyter-ext/src/ids";
import { FakeKernel } from "./fakeKernel";

interface KernelModel {
  id: string;
  name: string;
}
interface SessionModel {
  id: string;
  path: string;
  type: string;
  name: string;
  kernel: KernelModel | null;
}

/**
 * A Jupyter server's sessions and kernels as JupyterLab's service manager shows them: starting a
 * session starts a kernel, shutting it down removes both. Records what the panel asked for.
 */
class FakeServer {
  specs: string[] = [KERNEL_NAME];
  sessions: SessionModel[] = [];
  kernels: KernelModel[] = [];
  started: { path: string; type: string; kernel?: { name?: string } }[] = [];
  shutdowns: string[] = [];
  kernelConnections: FakeKernel[] = [];
  private next = 1;

  addKernel(name: string): KernelModel {
    const k = { id: `k${this.next++}`, name };
    this.kernels.push(k);
    return k;
  }

  addSession(type: string, kernelName: string, path = `p${this.next}`): SessionModel {
    const s = { id: `s${this.next++}`, path, type, name: path, kernel: this.addKernel(kernelName) };
    this.sessions.push(s);
    return s;
  }

  private sessionConnection(model: SessionModel) {
    const kernel = new FakeKernel();
    let disposed = false;
    return {
      id: model.id,
      kernel: kernel.asConnection(),
      get isDisposed() {
        return disposed;
      },
      shutdown: async () => {
        this.shutdowns.push(model.id);
        this.sessions = this.sessions.filter((s) => s.id !== model.id);
        this.kernels = this.kernels.filter((k) => k.id !== model.kernel?.id);
        kernel.setStatus("dead");
      },
      dispose: () => {
        disposed = true;
      },
    };
  }

  manager(): ServiceManager.IManager {
    const manager = {
      kernelspecs: {
        ready: Promise.resolve(),
        get specs() {
          return { default: "python3", kernelspecs: Object.fromEntries(server.specs.map((n) => [n, { name: n }])) };
        },
        refreshSpecs: async () => undefined,
      },
      sessions: {
        refreshRunning: async () => undefined,
        running: () => server.sessions.values(),
        connectTo: ({ model }: { model: SessionModel }) => server.sessionConnection(model),
        startNew: async (options: { path: string; type: string; name: string; kernel?: { name?: string } }) => {
          server.started.push(options);
          const model = { id: `s${server.next++}`, path: options.path, type: options.type, name: options.name, kernel: server.addKernel(options.kernel?.name ?? "") };
          server.sessions.push(model);
          return server.sessionConnection(model);
        },
      },
      kernels: {
        refreshRunning: async () => undefined,
        running: () => server.kernels.values(),
        connectTo: () => {
          const k = new FakeKernel();
          server.kernelConnections.push(k);
          return k.asConnection();
        },
      },
    };
    const server = this;
    return manager as unknown as ServiceManager.IManager;
  }
}

describe("the Embedscope panel's background kernel", () => {
  it("starts one session of its own type when no Embedscope kernel runs, and shares it between panels", async () => {
    const server = new FakeServer();
    server.addSession("notebook", "python3", "other.ipynb");
    const kernels = new BackgroundKernels(server.manager());
    const [a, b] = await Promise.all([kernels.acquire(), kernels.acquire()]);
    // Two panels opened at once still start only one kernel (the database has one owner).
    expect(server.started).toHaveLength(1);
    expect(server.started[0]).toMatchObject({ type: SESSION_TYPE, kernel: { name: KERNEL_NAME } });
    expect(a.origin).toBe("started");
    expect(b.origin).toBe("adopted");
    expect(b.kernel).toBe(a.kernel);

    await a.release();
    expect(server.shutdowns).toEqual([]);
    await a.release();
    expect(server.shutdowns).toEqual([]);
    await b.release();
    // The last panel let go: the session and its kernel are gone; the notebook's are not.
    expect(server.sessions.map((s) => s.path)).toEqual(["other.ipynb"]);
    expect(server.kernels.map((k) => k.name)).toEqual(["python3"]);
  });

  it("uses a notebook's running Embedscope kernel instead of starting a second owner of the database", async () => {
    const server = new FakeServer();
    server.addSession("notebook", KERNEL_NAME, "demo.ipynb");
    const kernels = new BackgroundKernels(server.manager());
    const lease = await kernels.acquire();
    expect(lease.origin).toBe("shared");
    expect(server.started).toEqual([]);
    await lease.release();
    // Only the panel's own connection closes; the notebook's kernel keeps running.
    expect(server.kernelConnections[0].isDisposed).toBe(true);
    expect(server.shutdowns).toEqual([]);
    expect(server.kernels.map((k) => k.name)).toEqual([KERNEL_NAME]);
  });

  it("adopts its own background session left by an earlier page (a reload) and shuts it down later", async () => {
    const server = new FakeServer();
    const left = server.addSession(SESSION_TYPE, KERNEL_NAME, "embedscope-viewer-old");
    server.addSession("notebook", KERNEL_NAME, "demo.ipynb");
    const kernels = new BackgroundKernels(server.manager());
    const lease = await kernels.acquire();
    // Its own session wins over a notebook's kernel, so a reload does not leak the old one.
    expect(lease.origin).toBe("adopted");
    await lease.release();
    expect(server.shutdowns).toEqual([left.id]);
  });

  it("starts a new session after the previous one's kernel died", async () => {
    const server = new FakeServer();
    const kernels = new BackgroundKernels(server.manager());
    const first = await kernels.acquire();
    (first.kernel as unknown as FakeKernel).setStatus("dead");
    server.sessions = [];
    server.kernels = [];
    const second = await kernels.acquire();
    expect(second.origin).toBe("started");
    expect(server.started).toHaveLength(2);
    expect(second.kernel).not.toBe(first.kernel);
  });

  it("says how to install the kernel when its kernelspec is missing", async () => {
    const server = new FakeServer();
    server.specs = ["python3"];
    const kernels = new BackgroundKernels(server.manager());
    await expect(kernels.acquire()).rejects.toBeInstanceOf(KernelNotInstalledError);
    await expect(kernels.acquire()).rejects.toThrow("embedscope jupyter install");
    expect(server.started).toEqual([]);
  });
});
