import { Kysely } from 'kysely';

/**
 * ASNs are 32-bit unsigned (RFC 6793), up to 4,294,967,295, and the contract accepts them all;
 * an `integer` column stops at 2^31 − 1, so a login from AS4200000001 (private use, RFC 6996)
 * failed its whole decision write and was never judged. `bigint` holds every ASN. The change
 * rewrites both tables under an exclusive lock: on a large login_decision, run it in a quiet hour.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('login_decision')
    .alterColumn('asn', (c) => c.setDataType('bigint'))
    .execute();
  await db.schema
    .alterTable('known_network')
    .alterColumn('asn', (c) => c.setDataType('bigint'))
    .execute();
}

/** Back to `integer`: fails, changing nothing, if any row holds an ASN above 2^31 − 1. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('known_network')
    .alterColumn('asn', (c) => c.setDataType('integer'))
    .execute();
  await db.schema
    .alterTable('login_decision')
    .alterColumn('asn', (c) => c.setDataType('integer'))
    .execute();
}
