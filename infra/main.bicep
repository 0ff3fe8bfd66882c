// PPS national data collection: everything the system runs on, in one resource group.
//   storage account  - tables, the upload/report/reference containers, the static website ($web: site/ and
//                      the published chart data under data/), lifecycle rules (modules/storage.bicep)
//   function app     - Flex Consumption, .NET isolated, system-assigned identity, identity-based connections,
//                      all app settings (modules/function-app.bicep), least-privilege roles (modules/roles.bicep)
//   monitoring       - Application Insights on a Log Analytics workspace (modules/monitoring.bicep)
//   Event Grid       - the storage account's system topic, and the subscription that delivers BlobCreated
//                      events for the upload container to ValidateUploadedWorkbook (modules/upload-events-*.bicep)
// Deployed by `azd up` (see azure.yaml and docs/deploy.md). Local modules only: no registry modules.

targetScope = 'subscription'

@description('Name of the azd environment (for example pps-prod); used in resource names and tags.')
@minLength(1)
@maxLength(40)
param environmentName string

@description('Azure region for every resource (for example uksouth).')
@minLength(1)
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('SHA-256 of NPPN\'s admin token, as 64 lowercase hex digits (Pps__AdminTokenSha256).')
@secure()
@minLength(64)
@maxLength(64)
param adminTokenSha256 string

@description('NCRONTAB schedule of the close-year timer function (CloseYearSchedule).')
param closeYearSchedule string = '0 0 2 * * *'

@description('Prefix of the app\'s table names (Pps__TablePrefix).')
@minLength(1)
@maxLength(20)
param tablePrefix string = 'pps'

@description('Days after which uploaded workbooks are deleted (a collection cycle plus a margin).')
@minValue(30)
@maxValue(3650)
param uploadRetentionDays int = 400

@description('Days after which validation reports and dead-lettered events are deleted.')
@minValue(30)
@maxValue(3650)
param reportRetentionDays int = 400

@description('Create the Event Grid subscription to the blob-triggered function. Needs the code deployed first: the azd postdeploy hook turns it on (PPS_UPLOAD_EVENTS_ENABLED) and provisions again.')
param uploadEventsEnabled bool = false

@description('Object ID of whoever runs azd (azd sets AZURE_PRINCIPAL_ID); gets blob data access to upload site/. Empty for none.')
param deployerPrincipalId string = ''

@description('Kind of principal the deployer is.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

@description('Extra origins allowed by the API\'s CORS, for example a custom domain in front of the static website (https://host, no trailing slash).')
param additionalSiteOrigins array = []

@description('Daily Log Analytics ingestion cap in GB (decimal string): a cost guard-rail.')
param logDailyCapGb string = '0.5'

@description('Name of the resource group; empty for rg-<environmentName>.')
param resourceGroupName string = ''

// Names the app reads through its settings (see local.settings.sample.json at the repo root).
var uploadsContainerName = 'uploads'
var reportsContainerName = 'validation-reports'
var referenceContainerName = 'reference'
var publishedContainerName = '$web'
// Infrastructure-only containers.
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'eventgrid-deadletter'
// The blob-triggered function that validates uploads.
var uploadFunctionName = 'ValidateUploadedWorkbook'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
// Names are computed here (not taken from module outputs) so that what-if can predict every resource.
var storageAccountName = 'st${resourceToken}'
var functionAppName = 'func-${resourceToken}'
var applicationInsightsName = 'appi-${resourceToken}'
var systemTopicName = 'evgt-${resourceToken}'
var tags = {
  'azd-env-name': environmentName
  application: 'pps-data-collection'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    tablePrefix: tablePrefix
    uploadsContainerName: uploadsContainerName
    reportsContainerName: reportsContainerName
    referenceContainerName: referenceContainerName
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    uploadRetentionDays: uploadRetentionDays
    reportRetentionDays: reportRetentionDays
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
    dailyCapGb: logDailyCapGb
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    allowedOrigins: concat([storage.outputs.webOrigin], additionalSiteOrigins)
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    tablePrefix: tablePrefix
    uploadsContainerName: uploadsContainerName
    reportsContainerName: reportsContainerName
    referenceContainerName: referenceContainerName
    publishedContainerName: publishedContainerName
    adminTokenSha256: adminTokenSha256
    closeYearSchedule: closeYearSchedule
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    applicationInsightsName: applicationInsightsName
    functionAppName: functionAppName
    functionPrincipalId: functionApp.outputs.principalId
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
}

module uploadEventsTopic 'modules/upload-events-topic.bicep' = {
  name: 'upload-events-topic'
  scope: rg
  params: {
    name: systemTopicName
    location: location
    tags: tags
    storageAccountName: storageAccountName
    deadLetterContainerName: deadLetterContainerName
  }
  dependsOn: [
    storage
  ]
}

module uploadEventsSubscription 'modules/upload-events-subscription.bicep' = if (uploadEventsEnabled) {
  name: 'upload-events-subscription'
  scope: rg
  params: {
    systemTopicName: systemTopicName
    functionAppName: functionAppName
    functionName: uploadFunctionName
    uploadsContainerName: uploadsContainerName
    storageAccountName: storageAccountName
    deadLetterContainerName: deadLetterContainerName
  }
  dependsOn: [
    uploadEventsTopic
    functionApp
    roles
  ]
}

@description('URL of the static website (site/ and the published chart data under data/).')
output SITE_URL string = storage.outputs.webEndpoint
@description('Name of the function app.')
output FUNCTION_APP_NAME string = functionApp.outputs.name
@description('Base URL of the returns API.')
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output UPLOAD_EVENTS_SYSTEM_TOPIC string = uploadEventsTopic.outputs.name
output UPLOAD_EVENTS_SUBSCRIPTION string = uploadEventsSubscription.?outputs.name ?? ''
