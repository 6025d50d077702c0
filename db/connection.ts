/**
 * keyops's PostgreSQL sessions run in UTC, whatever the server's or the URL's time zone. The
 * columns are `timestamptz`, but Prisma's pg adapter sends DateTime parameters as zone-less UTC
 * text, which PostgreSQL reads in the session's zone: an embedded cluster created on a host in
 * Tokyo (initdb copies the host's zone) would store every write nine hours off.
 */
export function utcDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  // Appended, so it wins over a TimeZone the operator's URL sets, and keeps their other options.
  const options = [url.searchParams.get('options'), '-c TimeZone=UTC'].filter(Boolean).join(' ');
  url.searchParams.set('options', options);
  return url.toString();
}
