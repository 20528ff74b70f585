/**
 * The app's pages, in navigation order. Adding a page = one component + one entry here.
 */
import type { ComponentType } from 'react';
import { DashboardPage } from './DashboardPage';
import { AlertsPage } from './AlertsPage';
import { ApprovalsPage } from './ApprovalsPage';
import { AuditLogPage } from './AuditLogPage';
import { SettingsPage } from './SettingsPage';
import { TriagePage } from './TriagePage';
import { OperationsPage } from './OperationsPage';
import { RunbooksPage } from './RunbooksPage';
import { SchemaAuditPage } from './SchemaAuditPage';

export interface PageDef {
  id: string;
  title: string;
  icon: string;
  component: ComponentType;
}

export const pages: PageDef[] = [
  { id: 'dashboard', title: 'Dashboard', icon: '📊', component: DashboardPage },
  { id: 'alerts', title: 'Alerts', icon: '🚨', component: AlertsPage },
  { id: 'approvals', title: 'Approvals', icon: '⚖️', component: ApprovalsPage },
  { id: 'audit-log', title: 'Audit log', icon: '🗂️', component: AuditLogPage },
  { id: 'triage', title: 'Triage', icon: '🩺', component: TriagePage },
  { id: 'operations', title: 'Operations', icon: '🛠️', component: OperationsPage },
  { id: 'runbooks', title: 'Runbooks', icon: '📋', component: RunbooksPage },
  { id: 'audit', title: 'Audit', icon: '🔍', component: SchemaAuditPage },
  { id: 'settings', title: 'Settings', icon: '⚙️', component: SettingsPage },
];
