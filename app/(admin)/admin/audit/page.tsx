"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../../_trpc/client";
import { Addr, Loading, Panel, When } from "../../_ui/ui";

/** The audit log: read-only (the table is append-only in the database too), filterable, paged. */
export default function AuditPage() {
  const trpc = useTRPC();
  const [f, setF] = useState({ actor: "", action: "", target: "" });
  const [pages, setPages] = useState<bigint[]>([]);
  const before = pages.at(-1);
  const input = {
    actor: f.actor || undefined,
    action: f.action || undefined,
    target: f.target || undefined,
    before,
    limit: 50,
  };
  const q = useQuery({
    ...trpc.admin.audit.list.queryOptions(input),
    refetchInterval: before === undefined ? 5_000 : false,
  });
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setF({ ...f, [k]: e.target.value });
    setPages([]);
  };
  return (
    <Panel title="Audit log" testId="audit-log">
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <label>
          Actor
          <input value={f.actor} onChange={set("actor")} placeholder="address" />
        </label>
        <label>
          Action
          <select value={f.action} onChange={set("action")}>
            <option value="">any</option>
            {(q.data?.actions ?? []).map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Target
          <input value={f.target} onChange={set("target")} placeholder="market, address, channel" />
        </label>
      </form>
      <Loading q={q}>
        {() => (
          <div className="table-scroll">
            <table className="data dense audit">
              <thead>
                <tr>
                  <th>#</th>
                  <th>When</th>
                  <th>Who</th>
                  <th>What</th>
                  <th>Target</th>
                  <th>Before</th>
                  <th>After</th>
                </tr>
              </thead>
              <tbody>
                {q.data!.rows.map((r) => (
                  <tr key={r.id.toString()} data-testid="audit-row" data-action={r.action}>
                    <td className="num">{r.id.toString()}</td>
                    <td>
                      <When at={r.createdAt} />
                    </td>
                    <td>{r.actor.startsWith("0x") ? <Addr value={r.actor} /> : r.actor}</td>
                    <td>
                      <span className="badge">{r.action}</span>
                    </td>
                    <td className="small">{r.target}</td>
                    <td>
                      <Json value={r.before} />
                    </td>
                    <td>
                      <Json value={r.after} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {q.data!.rows.length === 0 && <p className="muted">No record matches.</p>}
          </div>
        )}
      </Loading>
      <div className="pager">
        <button type="button" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
          Newer
        </button>
        <button
          type="button"
          disabled={!q.data?.nextBefore}
          onClick={() => q.data?.nextBefore && setPages([...pages, q.data.nextBefore])}
        >
          Older
        </button>
      </div>
      <p className="muted small">
        Records cannot be edited or deleted: the app has no such path and the database refuses UPDATE, DELETE and
        TRUNCATE on this table.
      </p>
    </Panel>
  );
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return <code className="json">{JSON.stringify(value)}</code>;
}
