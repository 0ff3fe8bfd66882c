// What tells NPPN that something went wrong, by email to an action group:
//   close-failed    the close-of-year run threw, or a year is still unpublished a day after its window closed
//                   (log lines the app writes: see PpsTelemetry in core/Telemetry). The failure is logged with its
//                   exception, which the exporters send to AppExceptions, not AppTraces: both tables are searched
//   close-silent    the close-of-year timer has not reported for 26 hours (it runs daily: it is not running)
//   backup-missed   no table backup has been written for 25 hours (BackupTables runs daily)
//   dead-letters    Event Grid gave up delivering an upload event (metric of the system topic)
//   mail-dead-lettered  a mail went to the outbox's poison queue, or could not be queued (log lines of the app)
//   upload-check-failed the check of an uploaded workbook failed on its last attempt (the app's log line), or the
//                   host moved an upload's trigger message to its poison queue (the host's log line): a service's
//                   workbook has a "failed" report, or none
//   server-errors   more than serverErrorPercent of the API's requests failed with a 5xx in 15 minutes
// The log alerts query the Log Analytics workspace the app's telemetry goes to (AppTraces, AppRequests). They are
// evaluated every 15 minutes or hourly, not every minute: a log alert rule is billed by how often it runs
// (docs/deploy.md, Monthly cost estimate). Every log alert resolves itself when its condition clears (autoMitigate),
// so a condition that lasts sends one email, not one an hour; the "silent" and "missed" alerts wait until the app
// has been reporting for longer than their window (or since the deployment, when it has sent nothing at all), so a
// fresh deployment does not fire them and a dead app does not resolve them. The metric alert resolves itself too.
// Query validation is skipped: on a brand-new workspace the tables may not exist yet when the rules are deployed.

@description('Azure region of the log alerts (the workspace\'s).')
param location string

@description('Tags for every resource.')
param tags object

@description('Name prefix of the alert resources.')
param namePrefix string

@description('Log Analytics workspace that holds the app\'s telemetry.')
param logAnalyticsWorkspaceId string

@description('Name of the Event Grid system topic of the storage account.')
param systemTopicName string

@description('Email address that receives the alerts.')
@minLength(3)
param alertEmail string

@description('Name of the close-of-year timer function.')
param closeFunctionName string

@description('Log lines the close-of-year run and the backup write (PpsTelemetry in core/Telemetry).')
param closeEvents object

@description('Log lines the mail outbox writes (PpsTelemetry in core/Telemetry).')
param mailEvents object

@description('Log lines of the upload check, the app\'s and the host\'s (PpsTelemetry in core/Telemetry).')
param uploadEvents object

@description('Name of the blob-triggered function that checks uploads.')
param uploadFunctionName string

@description('Name of the table backup timer function.')
param backupFunctionName string

@description('When this deployment ran (its own time, not to be set): the "silent" and "missed" alerts count from it when the app has sent nothing at all in their window.')
param deployedAt string = utcNow('o')

@description('Share of requests that may fail with a 5xx in 15 minutes before the alert fires, in percent.')
@minValue(1)
@maxValue(100)
param serverErrorPercent int = 5

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'pps-ops'
    enabled: true
    emailReceivers: [
      {
        name: 'nppn'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// Since when the app has been reporting, for the "silent" and "missed" alerts: its first line in the rule's 2-day
// window, so that a fresh deployment does not fire them. When the app has sent nothing at all in that window (it is
// stopped or cannot start), since this deployment: without it the condition would be null, false, and the alert
// would resolve itself after two days of silence while the backups are still missing.
var reportingSince = 'let reporting = coalesce(todatetime(toscalar(AppTraces | summarize min(TimeGenerated))), datetime(${deployedAt}))'

var logAlerts = [
  {
    name: 'close-failed'
    description: 'The close-of-year run (${closeFunctionName}) failed, or a year is not published a day after its window closed. The year\'s figures are not public: see the trace in Application Insights and docs/deploy.md.'
    severity: 1
    frequency: 'PT1H'
    window: 'PT1H'
    query: 'search in (AppTraces, AppExceptions) "${closeEvents.failed}" or "${closeEvents.overdue}"'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'close-silent'
    description: 'The close-of-year timer (${closeFunctionName}) has not reported for 26 hours: the app is not running it.'
    severity: 1
    frequency: 'PT1H'
    window: 'P2D'
    query: '${reportingSince}; AppTraces | where TimeGenerated > ago(26h) | where Message startswith "${closeEvents.checked}" | summarize runs = count() | where runs == 0 and reporting < ago(26h)'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'backup-missed'
    description: 'No table backup has been written for 25 hours (${backupFunctionName} runs daily): the returns have no recent copy. See docs/deploy.md, Backups and restore.'
    severity: 1
    frequency: 'PT1H'
    window: 'P2D'
    query: '${reportingSince}; AppTraces | where TimeGenerated > ago(25h) | where Message startswith "${closeEvents.backup}" | summarize backups = count() | where backups == 0 and reporting < ago(25h)'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'mail-dead-lettered'
    description: 'A mail failed every delivery and is in the outbox\'s poison queue, or a mail event could not be queued at all: the SMTP relay is refusing or unreachable. Mend it, then POST /api/mail/dead-letters/requeue (docs/deploy.md, "Mail").'
    severity: 2
    frequency: 'PT1H'
    window: 'PT1H'
    query: 'AppTraces | where Message startswith "${mailEvents.deadLettered}" or Message startswith "${mailEvents.notQueued}"'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'upload-check-failed'
    description: 'The check of an uploaded workbook (${uploadFunctionName}) failed on its last attempt, or the host moved the upload\'s trigger to its poison queue: the service\'s workbook was not checked. See the exception in Application Insights; the service can upload again (docs/deploy.md, "Alerts").'
    severity: 2
    frequency: 'PT1H'
    window: 'PT1H'
    query: 'search in (AppTraces, AppExceptions) "${uploadEvents.checkFailed}" or "${uploadEvents.poisonQueue}"'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'server-errors'
    description: 'More than ${serverErrorPercent}% of the API\'s requests failed with a server error (5xx) in 15 minutes.'
    severity: 2
    frequency: 'PT15M'
    window: 'PT15M'
    query: 'AppRequests | summarize total = count(), failed = countif(toint(ResultCode) >= 500) | where total >= 10 and 100.0 * failed / total > ${serverErrorPercent}'
    operator: 'GreaterThan'
    threshold: 0
  }
]

resource queryAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: '${namePrefix}-${alert.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: '${namePrefix} ${alert.name}'
      description: alert.description
      severity: alert.severity
      enabled: true
      evaluationFrequency: alert.frequency
      windowSize: alert.window
      scopes: [
        logAnalyticsWorkspaceId
      ]
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: alert.operator
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      skipQueryValidation: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid dead-lettered an upload event: a workbook was not validated. Re-upload it (docs/deploy.md, Lost events).'
    severity: 2
    enabled: true
    scopes: [
      systemTopic.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    // Resolves itself once no event has been dead-lettered for a window (the default, stated): one email per episode.
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricName: 'DeadLetteredCount'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}
