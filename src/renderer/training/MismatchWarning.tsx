/** Why the chosen dataset does not fit the graph, each with what to change in the graph. */
export function MismatchWarning({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null
  return (
    <div className="warning mismatch" role="alert" data-testid="dataset-mismatch">
      <strong>This dataset does not fit the graph; training would be refused:</strong>
      <ul>
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  )
}
