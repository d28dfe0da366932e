/** A fixed-size placeholder while data loads, so the layout does not jump when it arrives. */
export function Skeleton({
  width = "100%",
  height = 14,
  style,
}: {
  width?: number | string;
  height?: number | string;
  style?: React.CSSProperties;
}) {
  return <span className="skeleton" aria-hidden="true" style={{ display: "block", width, height, ...style }} />;
}

/** Rows of skeleton lines for a table or list that is loading. */
export function SkeletonRows({
  rows = 5,
  height = 14,
  label = "Loading…",
}: {
  rows?: number;
  height?: number;
  label?: string;
}) {
  return (
    <div className="skeleton-rows" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={height} />
      ))}
    </div>
  );
}
