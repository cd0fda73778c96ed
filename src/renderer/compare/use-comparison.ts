import { useEffect, useMemo, useRef, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import type { RunSummary } from '../../shared/api/training'
import { errorMessage } from '../error-message'
import { comparedRuns, type LoadedRun } from './compared-run'

/** Every project's runs, for adding runs of other projects; grouped by project name. */
export interface RunCatalog {
  groups: { projectId: string; projectName: string; runs: RunSummary[] }[]
  error: string | null
}

/**
 * The runs being compared: each one's metrics (`runs.get`) and graph version (`runs.graph`), read
 * once when it joins; and the catalog of every project's runs that more can be picked from.
 */
export function useComparison(api: Api, initial: string[]) {
  const [ids, setIds] = useState(initial)
  const [loaded, setLoaded] = useState<Record<string, LoadedRun>>({})
  const [catalog, setCatalog] = useState<RunCatalog | null>(null)
  const asked = useRef(new Set<string>())

  useEffect(() => {
    let current = true
    Promise.all([api.runs.list({}), api.projects.list().catch(() => [])]).then(
      ([runs, projects]) => {
        if (!current) return
        const names = new Map(projects.map((p) => [p.id, p.name]))
        const groups = new Map<string, RunCatalog['groups'][number]>()
        for (const r of runs) {
          let g = groups.get(r.projectId)
          if (!g) {
            g = { projectId: r.projectId, projectName: names.get(r.projectId) ?? 'Unknown project', runs: [] }
            groups.set(r.projectId, g)
          }
          g.runs.push(r)
        }
        const sorted = [...groups.values()].sort((a, b) => a.projectName.localeCompare(b.projectName))
        setCatalog({ groups: sorted, error: null })
      },
      (e: unknown) => current && setCatalog({ groups: [], error: errorMessage(e) }),
    )
    return () => {
      current = false
    }
  }, [api])

  useEffect(() => {
    for (const id of ids) {
      if (asked.current.has(id)) continue
      asked.current.add(id)
      void Promise.allSettled([api.runs.get({ runId: id }), api.runs.graph({ runId: id })]).then(
        ([detail, graph]) => {
          const failed = detail.status === 'rejected' ? detail : graph.status === 'rejected' ? graph : null
          setLoaded((l) => ({
            ...l,
            [id]: {
              id,
              detail: detail.status === 'fulfilled' ? detail.value : null,
              graph: graph.status === 'fulfilled' ? graph.value : null,
              error: failed ? errorMessage(failed.reason) : null,
            },
          }))
        },
      )
    }
  }, [api, ids])

  const runs = useMemo(() => comparedRuns(ids.flatMap((id) => loaded[id] ?? [])), [ids, loaded])
  // Runs that could not be read at all: named with why, so they do not silently drop out.
  const unreadable = ids.flatMap((id) => (loaded[id] && !loaded[id].detail ? [loaded[id]] : []))
  const pending = ids.filter((id) => !loaded[id]).length
  return {
    ids,
    runs,
    unreadable,
    pending,
    catalog,
    add: (id: string) => setIds((s) => (s.includes(id) ? s : [...s, id])),
    remove: (id: string) => setIds((s) => s.filter((x) => x !== id)),
  }
}
