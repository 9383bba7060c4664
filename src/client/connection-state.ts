/** The client's connection state: one typed union, changed in one place, observable as events. */

/** Where the client's connection stands. */
export type ConnectionState =
  | { readonly status: 'connecting'; readonly remote: string }
  | { readonly status: 'open'; readonly remote: string }
  | { readonly status: 'closing'; readonly remote: string }
  | { readonly status: 'closed'; readonly remote: string; readonly error?: Error };

/** The `status` values of {@link ConnectionState}. */
export type ConnectionStatus = ConnectionState['status'];
