/**
 * What actions need of an operator's files (the files feature implements it): read an image, write
 * a drawn one, hand out a signed link. Nothing here reaches another operator's files.
 */
export interface OperatorFilesPort {
  readonly operatorId: string;
  /** Writes or overwrites a file; `file` event sources fire once it is stored, at the run's next hop. */
  put(
    path: string,
    content: Buffer,
    contentType: string,
    options?: { hop?: number },
  ): Promise<{ size: number }>;
  get(path: string): Promise<{ content: Buffer; contentType: string } | undefined>;
  /** A URL anyone can GET the file with, until it expires (1 hour by default). */
  signedUrl(path: string, ttlSeconds?: number): string;
}

export interface FilePort {
  forOperator(operatorId: string): OperatorFilesPort;
}
