import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, unlinkSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PdfBytes, PdfReferences, SavedPdf } from '../pdf-bytes';
import { PdfInspector } from '../pdf-inspector';

const FILE_NAME = /^([0-9a-f]{64})\.pdf$/;

/**
 * PDF bytes in DATA_DIR/pdfs, named by their SHA-256: the same book uploaded to two sessions is
 * one file. An upload is written to tmp/ and renamed into place only once it is whole and checked,
 * so a failed or aborted upload never leaves a partial file where it could be served.
 */
export class PdfFiles implements PdfBytes {
  private readonly tempDir: string;
  /** sha256 -> uploads holding the file until their record is committed. */
  private readonly pins = new Map<string, number>();

  /** `references`: the records of this process, which say which files are still used. */
  constructor(
    private readonly dir: string,
    private readonly references: PdfReferences,
  ) {
    this.tempDir = path.join(dir, 'tmp');
  }

  /** Creates the folders and removes what a crash mid-upload left in tmp/. */
  async init(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
    for (const name of await readdir(this.tempDir)) await rm(path.join(this.tempDir, name), { force: true });
  }

  pathOf(sha256: string): string {
    return path.join(this.dir, `${sha256}.pdf`);
  }

  /** Streams `source` to disk, checking it starts as a PDF; its SHA-256 and size once in place. */
  async save(source: Readable): Promise<SavedPdf> {
    const temp = path.join(this.tempDir, `${randomUUID()}.part`);
    const inspector = new PdfInspector();
    try {
      await pipeline(source, inspector, createWriteStream(temp, { flags: 'wx' }));
      // on disk before its record is committed: the record must never name a file a power loss took
      await fsync(temp);
      const sha256 = inspector.sha256();
      // pinned before it is in place: the collector never sees it unpinned and unrecorded
      const release = this.pin(sha256);
      try {
        // same content, same name: replacing a copy another session uploaded is harmless and atomic
        await rename(temp, this.pathOf(sha256));
        await fsync(this.dir);
      } catch (error) {
        release();
        throw error;
      }
      return { sha256, size: inspector.size, release };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  read(sha256: string, start: number, end: number): Readable {
    return createReadStream(this.pathOf(sha256), { start, end });
  }

  /**
   * Deletes the files no record names and no upload holds; returns their SHA-256s. Each file is
   * checked and unlinked in one synchronous step, so no record can be committed, nor an upload
   * renamed into place, between the check and the deletion.
   */
  async removeUnreferenced(): Promise<string[]> {
    const removed: string[] = [];
    for (const name of await readdir(this.dir)) {
      const sha256 = FILE_NAME.exec(name)?.[1];
      if (sha256 === undefined || this.pins.has(sha256) || this.references.isReferenced(sha256)) continue;
      try {
        unlinkSync(this.pathOf(sha256));
        removed.push(sha256);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  private pin(sha256: string): () => void {
    this.pins.set(sha256, (this.pins.get(sha256) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.pins.get(sha256) ?? 1) - 1;
      if (left > 0) this.pins.set(sha256, left);
      else this.pins.delete(sha256);
    };
  }
}

/** Flushes a file, or a folder's entries (a rename), to the disk. */
async function fsync(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
