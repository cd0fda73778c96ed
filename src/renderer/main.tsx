import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { config } from 'zod'
import { App } from './App'
import { pickApi } from './api'
import { startTheme } from './theme/theme'
import './app.css'

// The page's Content-Security-Policy forbids eval: zod must not try its compiled fast path.
config({ jitless: true })

// Before the first render, so that the first paint is already in the user's theme.
startTheme()
const { api, transport } = pickApi()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={api} transport={transport} />
  </StrictMode>,
)
