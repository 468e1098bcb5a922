package io.graphrpc.client;

/** Whether work only reads (routed to a cluster's readers) or may write. */
public enum AccessMode {
  /** Read-only work. */
  READ,
  /** Work that may write (the default). */
  WRITE
}
