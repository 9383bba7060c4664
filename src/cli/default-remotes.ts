/**
 * Where a command finds a database when `--db` is not given: the environment variable OVN's own
 * tools read, then the socket a packaged OVN listens on. The same order as ovn-nbctl and
 * ovn-ic-sbctl, so one environment serves both.
 */

/** The Northbound remote: `--db`, `$OVN_NB_DB`, or ovn-central's socket. */
export function nbRemote(db: string | undefined): string {
  return db ?? process.env.OVN_NB_DB ?? 'unix:/var/run/ovn/ovnnb_db.sock';
}

/** The OVN-IC Southbound remote: `--db`, `$OVN_IC_SB_DB`, or ovn-ic-db's socket. */
export function icSbRemote(db: string | undefined): string {
  return db ?? process.env.OVN_IC_SB_DB ?? 'unix:/var/run/ovn/ovn_ic_sb_db.sock';
}
