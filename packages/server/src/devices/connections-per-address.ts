import type { Socket } from "node:net";

/**
 * Open connections per remote address, for a TCP listener (framed TCP, MQTT): one address that opens
 * connections and never closes them would otherwise use up the file descriptors every listener needs.
 */
export class ConnectionsPerAddress {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts the socket until it closes; past the limit it is destroyed at once and false is returned. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? "";
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) {
      socket.destroy();
      return false;
    }
    this.open.set(address, count + 1);
    socket.once("close", () => {
      const left = (this.open.get(address) ?? 1) - 1;
      if (left <= 0) this.open.delete(address);
      else this.open.set(address, left);
    });
    return true;
  }
}
