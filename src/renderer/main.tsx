import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { config } from 'zod'
import { App } from './App'
import { pickApi } from './api'
import './app.css'

// The page's Content-Security-Policy forbids eval: zod must not try its compiled fast path.
config({ jitless: true })

const { api, transport } = pickApi()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={api} transport={transport} />
  </StrictMode>,
)
