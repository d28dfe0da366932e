-- The events of an entry move into JournalEntry.events; JournalEvent (one row per event, four
-- indexes) gives way to JournalIndex (one row per entry and subject) and Trade (one row per fill).
-- See server/engine/journal-index.ts for the subjects and the bits (EVENT_TYPES) used below.

-- AlterTable
ALTER TABLE "JournalEntry" ADD COLUMN     "events" TEXT NOT NULL DEFAULT '~[]';

-- Events written by the codec ("~" + JSON) are joined into one codec array; an entry with an older
-- (superjson) event keeps each event text as a JSON string in an array, which decodeEvents reads.
UPDATE "JournalEntry" j SET "events" = x.events
  FROM (
    SELECT seq,
           CASE WHEN bool_and(left(data, 1) = '~')
                THEN '~[' || string_agg(substr(data, 2), ',' ORDER BY idx) || ']'
                ELSE jsonb_agg(data ORDER BY idx)::text
           END AS events
      FROM "JournalEvent" GROUP BY seq
  ) x
 WHERE x.seq = j.seq;

ALTER TABLE "JournalEntry" ALTER COLUMN "events" DROP DEFAULT;

-- An entry with its events is usually 1-4 kB: keep it in the row, uncompressed, instead of
-- compressing it or moving it to the TOAST table on every write (above 2 kB by default).
ALTER TABLE "JournalEntry" SET (toast_tuple_target = 8160);

-- CreateTable
CREATE TABLE "JournalIndex" (
    "subject" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "types" INTEGER NOT NULL,

    CONSTRAINT "JournalIndex_pkey" PRIMARY KEY ("subject","seq")
);

-- CreateTable
CREATE TABLE "Trade" (
    "market" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "idx" INTEGER NOT NULL,
    "pricePerLot" DECIMAL(78,0) NOT NULL,
    "sizeBase" DECIMAL(78,0) NOT NULL,
    "takerSide" TEXT NOT NULL,
    "timeMs" BIGINT NOT NULL,

    CONSTRAINT "Trade_pkey" PRIMARY KEY ("market","seq","idx")
);

-- CreateIndex
CREATE INDEX "Trade_market_timeMs_idx" ON "Trade"("market", "timeMs");

-- The index rows of the existing events: an account (and a fill's or ADL's other party), a
-- market's own events under "market:<symbol>", the risk events also under "exchange".
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
), subjects AS (
  SELECT e.seq, e.account AS subject, b.bit FROM "JournalEvent" e JOIN bits b USING ("type") WHERE e.account IS NOT NULL
  UNION ALL
  SELECT e.seq, e.counterparty, b.bit FROM "JournalEvent" e JOIN bits b USING ("type") WHERE e.counterparty IS NOT NULL
  UNION ALL
  SELECT e.seq, 'market:' || e.market, b.bit FROM "JournalEvent" e JOIN bits b USING ("type")
   WHERE e.market IS NOT NULL AND e.type IN ('marketAdded', 'marketUpdated', 'markPrice', 'funding')
  UNION ALL
  SELECT e.seq, 'exchange', b.bit FROM "JournalEvent" e JOIN bits b USING ("type")
   WHERE e.type IN ('liquidationStarted', 'liquidationFinished', 'adl', 'insurance', 'backstop')
)
INSERT INTO "JournalIndex" ("subject", "seq", "types")
SELECT subject, seq, bit_or(bit) FROM subjects GROUP BY subject, seq;

INSERT INTO "Trade" ("market", "seq", "idx", "pricePerLot", "sizeBase", "takerSide", "timeMs")
SELECT market, seq, idx, "pricePerLot", "sizeBase",
       CASE WHEN left(data, 1) = '~' THEN substr(data, 2)::jsonb ->> 'takerSide' ELSE data::jsonb #>> '{json,takerSide}' END,
       "timeMs"
  FROM "JournalEvent" WHERE type = 'fill';

-- DropTable
DROP TABLE "JournalEvent";
