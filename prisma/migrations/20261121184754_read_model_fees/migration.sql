-- Trade gets the fill's fees (fee reports aggregate them in SQL instead of decoding every fill),
-- and a reserved account's events are indexed per asset ("@fees/USDC"): the fee account takes a
-- balance change on every fill, and its readers want one asset's series.
-- See server/engine/journal-index.ts for the subjects and bits used below.

-- Every stored event as jsonb with its position: entries written by the codec ("~" + JSON array,
-- bigints as {"$n": "…"}) and entries migrated from before it (a JSON array of per-event texts,
-- each codec or superjson text; superjson keeps a bigint as a string in "json").
CREATE TEMPORARY TABLE "migration_event" AS
SELECT j.seq, (x.ord - 1)::int AS idx, x.value AS e
  FROM "JournalEntry" j, jsonb_array_elements(substr(j.events, 2)::jsonb) WITH ORDINALITY AS x(value, ord)
 WHERE left(j.events, 1) = '~'
UNION ALL
SELECT j.seq, (x.ord - 1)::int,
       CASE WHEN left(x.value, 1) = '~' THEN substr(x.value, 2)::jsonb ELSE x.value::jsonb -> 'json' END
  FROM "JournalEntry" j, jsonb_array_elements_text(j.events::jsonb) WITH ORDINALITY AS x(value, ord)
 WHERE left(j.events, 1) <> '~';

-- AlterTable (filled from the events before the columns become required)
ALTER TABLE "Trade" ADD COLUMN     "liquidation" BOOLEAN,
ADD COLUMN     "makerFeeQuote" DECIMAL(78,0),
ADD COLUMN     "takerFeeQuote" DECIMAL(78,0);

UPDATE "Trade" t
   SET "makerFeeQuote" = COALESCE(m.e -> 'makerFeeQuote' ->> '$n', m.e ->> 'makerFeeQuote')::numeric,
       "takerFeeQuote" = COALESCE(m.e -> 'takerFeeQuote' ->> '$n', m.e ->> 'takerFeeQuote')::numeric,
       "liquidation" = (m.e ->> 'liquidation')::boolean
  FROM "migration_event" m
 WHERE m.seq = t.seq AND m.idx = t.idx;

ALTER TABLE "Trade" ALTER COLUMN "liquidation" SET NOT NULL,
ALTER COLUMN "makerFeeQuote" SET NOT NULL,
ALTER COLUMN "takerFeeQuote" SET NOT NULL;

-- Reserved accounts ("@…") again, per asset where the event has one.
DELETE FROM "JournalIndex" WHERE left(subject, 1) = '@';

WITH bits ("type", "bit") AS (VALUES
    ('marketAdded', 1),
    ('marketUpdated', 2),
    ('rejected', 4),
    ('orderAccepted', 8),
    ('fill', 16),
    ('orderDone', 32),
    ('orderAmended', 64),
    ('balance', 128),
    ('position', 256),
    ('markPrice', 512),
    ('funding', 1024),
    ('fundingPayment', 2048),
    ('triggerAccepted', 4096),
    ('triggered', 8192),
    ('triggerCancelled', 16384),
    ('liquidationStarted', 32768),
    ('adl', 65536),
    ('insurance', 131072),
    ('backstop', 262144),
    ('liquidationFinished', 524288)
)
INSERT INTO "JournalIndex" ("subject", "seq", "types")
SELECT CASE WHEN m.e ? 'asset' THEN (m.e ->> 'account') || '/' || (m.e ->> 'asset') ELSE m.e ->> 'account' END, m.seq, bit_or(b.bit)
  FROM "migration_event" m JOIN bits b ON b.type = m.e ->> 'type'
 WHERE left(m.e ->> 'account', 1) = '@'
 GROUP BY 1, 2;

DROP TABLE "migration_event";
