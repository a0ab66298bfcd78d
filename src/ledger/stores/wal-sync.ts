import { close, fdatasync, open } from 'node:fs';
import { promisify } from 'node:util';

const openAsync = promisify(open);
const fdatasyncAsync = promisify(fdatasync);
const closeAsync = promisify(close);

/**
 * Makes a SQLite WAL commit durable without blocking the event loop. The connection commits with
 * synchronous=NORMAL, which writes the transaction's frames (commit frame last) into the WAL but
 * does not fsync; this then fdatasyncs the WAL file on libuv's thread pool, and the append is
 * acknowledged only after that returns: the guarantee of synchronous=FULL (an acknowledged commit
 * survives power loss) without a thread of our own. Checkpoints stay SQLite's: in NORMAL mode it
 * syncs the WAL before copying it into the database file and the database file after.
 *
 * A failed fdatasync poisons the syncer: after a failed fsync Linux may drop the dirty pages and
 * report the next fsync as clean, so nothing written since can be called durable. Every later
 * sync fails too, and the ledger refuses appends (fail closed) until the process is restarted.
 */
export class WalSync {
  private fd?: Promise<number>;
  private failed?: Error;

  constructor(
    /** The WAL file: the database path plus "-wal". It exists from the first commit and stays while the database is open. */
    private readonly walFile: string,
    private readonly syncFd: (fd: number) => Promise<void> = fdatasyncAsync,
  ) {}

  async sync(): Promise<void> {
    if (this.failed) throw this.failed;
    try {
      await this.syncFd(await (this.fd ??= openAsync(this.walFile, 'r+')));
    } catch (err) {
      this.failed ??= new Error(`ledger WAL fsync failed: ${(err as Error).message}; appends are refused until restart`);
      throw this.failed;
    }
  }

  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd) await closeAsync(await fd).catch(() => undefined);
  }
}
