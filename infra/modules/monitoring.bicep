// Log Analytics workspace and the workspace-based Application Insights resource the function app logs to, and a
// second workspace for the storage accounts' read/write/delete logs, with its own daily cap: a crawler reading the
// public site (every read is a log record) fills that workspace's cap, never the app's, so it cannot silence the
// app's telemetry and the alerts that read it.
// Local (instrumentation-key) authentication is disabled: the app sends telemetry with its managed
// identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), so the connection string is not a secret.

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights resource.')
param applicationInsightsName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Days the workspace keeps data (30 days are included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Daily ingestion cap in GB, as a decimal string (for example 0.5); a cost guard-rail.')
param dailyCapGb string = '0.5'

@description('Name of the Log Analytics workspace of the storage logs.')
param storageLogAnalyticsName string

@description('Daily ingestion cap of the storage logs\' workspace in GB, as a decimal string.')
param storageLogDailyCapGb string = '0.5'

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: json(dailyCapGb)
    }
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

resource storageLogs 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: storageLogAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: json(storageLogDailyCapGb)
    }
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
    RetentionInDays: retentionInDays
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

output applicationInsightsName string = appInsights.name
output applicationInsightsId string = appInsights.id
output applicationInsightsConnectionString string = appInsights.properties.ConnectionString
output logAnalyticsWorkspaceId string = workspace.id
@description('The workspace of the storage accounts\' logs (not the app\'s).')
output storageLogAnalyticsWorkspaceId string = storageLogs.id
