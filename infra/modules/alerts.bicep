// What tells NPPN that something went wrong, by email to an action group:
//   close-failed    the close-of-year run threw, or a year is still unpublished a day after its window closed
//                   (log lines the app writes: see PpsTelemetry in core/Telemetry)
//   close-silent    the close-of-year timer has not reported for 26 hours (it runs daily: it is not running)
//   dead-letters    Event Grid gave up delivering an upload event (metric of the system topic)
//   mail-dead-lettered  a mail went to the outbox's poison queue, or could not be queued (log lines of the app)
//   server-errors   more than serverErrorPercent of the API's requests failed with a 5xx in 15 minutes
// The log alerts query the Log Analytics workspace the app's telemetry goes to (AppTraces, AppRequests). They are
// evaluated every 15 minutes or hourly, not every minute: a log alert rule is billed by how often it runs
// (docs/deploy.md, Monthly cost estimate).

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

@description('Email address that receives the alerts; empty for none (the alerts still show in the portal).')
param alertEmail string

@description('Name of the close-of-year timer function.')
param closeFunctionName string

@description('Log lines the close-of-year run writes (PpsTelemetry in core/Telemetry).')
param closeEvents object

@description('Log lines the mail outbox writes (PpsTelemetry in core/Telemetry).')
param mailEvents object

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
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'nppn'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

var logAlerts = [
  {
    name: 'close-failed'
    description: 'The close-of-year run (${closeFunctionName}) failed, or a year is not published a day after its window closed. The year\'s figures are not public: see the trace in Application Insights and docs/deploy.md.'
    severity: 1
    frequency: 'PT1H'
    window: 'PT1H'
    query: 'AppTraces | where Message startswith "${closeEvents.failed}" or Message startswith "${closeEvents.overdue}"'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'close-silent'
    description: 'The close-of-year timer (${closeFunctionName}) has not reported for 26 hours: the app is not running it.'
    severity: 1
    frequency: 'PT1H'
    window: 'P2D'
    query: 'AppTraces | where TimeGenerated > ago(26h) | where Message startswith "${closeEvents.checked}"'
    operator: 'LessThan'
    threshold: 1
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
      autoMitigate: false
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
