from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from toegang.accounts import oidc
from toegang.accounts.forms import LoginForm
from toegang.accounts.twofactor import second_factor
from toegang.audit import views as audit
from toegang.cases import views as cases
from toegang.common import views as common
from toegang.common.converters import IdConverter
from toegang.events import views as events
from toegang.governance import contribute as governance_contribute
from toegang.governance import views as governance
from toegang.istandaarden import views as istandaarden
from toegang.network import conference_views, partner_views, referral_views, socialmap_views
from toegang.network import views as network
from toegang.people.brp import fake as brp_fake
from toegang.plans import views as plans
from toegang.portal import oidc as portal_oidc
from toegang.portal import simulator as digid_simulator
from toegang.portal import team_views as portal_team
from toegang.portal import views as portal
from toegang.privacy import views as privacy
from toegang.procedures import views as procedures
from toegang.signals import views as signals
from toegang.steering import export_views as steering_exports
from toegang.steering import views as steering
from toegang.zgw import views as zgw

register_converter(IdConverter, "id")  # every id in a URL: at most the id columns' range (404 beyond)

urlpatterns = [
    path("", common.home, name="home"),
    path("gezondheid/", common.health, name="health"),
    path("api/v1/", include("toegang.api.urls")),  # the REST API (docs/api.md): its own authentication
    path(
        "inloggen/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("tweestaps/", second_factor, name="second-factor"),
    path("oidc/authenticate/", oidc.start, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.callback, name="oidc_authentication_callback"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    # the resident portal (portal/, docs/portal.md): DigiD through an OIDC broker, or the simulator in the demo
    path("mijn/inloggen/", portal.login_page, name="portal-login"),
    path("mijn/digid/", portal_oidc.start, name="portal-digid-start"),
    path("mijn/digid/terug/", portal_oidc.callback, name="portal-digid-callback"),
    path("mijn/uitloggen/", portal.logout, name="portal-logout"),
    path("mijn/", portal.home, name="portal-home"),
    path("mijn/melden/", portal.first_signal, name="portal-first-signal"),
    path("mijn/<id:person_id>/", portal.person, name="portal-person"),
    path("mijn/<id:person_id>/beschikkingen/", portal.decisions, name="portal-decisions"),
    path(
        "mijn/<id:person_id>/beschikkingen/<id:decision_id>/brief.pdf",
        portal.decision_letter,
        name="portal-decision-letter",
    ),
    path("mijn/<id:person_id>/melden/", portal.signal_new, name="portal-signal"),
    path("mijn/<id:person_id>/toestemmingen/", portal.consents, name="portal-consents"),
    path(
        "mijn/<id:person_id>/toestemmingen/<id:consent_id>/intrekken/",
        portal.consent_withdraw,
        name="portal-consent-withdraw",
    ),
    path("mijn/<id:person_id>/logboek/", portal.access_log, name="portal-access-log"),
    path("mijn/<id:person_id>/inzage.<str:fmt>", portal.export, name="portal-export"),
    path("mijn/<id:person_id>/verzoeken/", portal.rights_requests, name="portal-requests"),
    path("digid-simulatie/inloggen/", digid_simulator.authorize, name="digid-simulator-authorize"),
    path("digid-simulatie/token/", digid_simulator.token, name="digid-simulator-token"),
    path("digid-simulatie/userinfo/", digid_simulator.userinfo, name="digid-simulator-userinfo"),
    path("privacy/logboek/persoon/", audit.person_log, name="audit-person"),
    path("privacy/logboek/gebruiker/", audit.user_log, name="audit-user"),
    path("privacy/noodtoegang/", privacy.emergency_reviews, name="emergency-reviews"),
    path("privacy/noodtoegang/<id:access_id>/", privacy.emergency_review, name="emergency-review"),
    path("privacy/verzoeken/", privacy.requests_list, name="rights-requests"),
    path("privacy/verzoeken/<id:request_id>/", privacy.request_detail, name="rights-request"),
    path("privacy/verzoeken/<id:request_id>/corrigeren/", privacy.request_correct, name="rights-request-correct"),
    path("privacy/verzoeken/<id:request_id>/inzage.<str:fmt>", privacy.request_export, name="rights-export"),
    path("privacy/bewaartermijnen/", privacy.retention_overview, name="retention"),
    path("privacy/bewaartermijnen/<id:trajectory_id>/blokkade/", privacy.legal_hold, name="legal-hold"),
    path("noodtoegang/", privacy.emergency_start, name="emergency-start"),
    path("berichten/", privacy.inbox, name="inbox"),
    path("mijn-caseload/", cases.caseload, name="caseload"),
    path("achterstallig/", cases.overdue, name="overdue"),
    path("zoeken/", cases.search, name="search"),
    path("team/trajecten/", cases.team_overview, name="team-overview"),
    path("team/trajecten.csv", cases.team_export, name="team-export"),
    path("team/wachtrij/", signals.team_queue, name="team-queue"),
    path("team/waarneming/", cases.stand_ins, name="stand-ins"),
    path("termijnen/", procedures.deadlines, name="deadlines"),
    path("trajecten/<id:trajectory_id>/procedures/nieuw/", procedures.procedure_new, name="procedure-new"),
    path("procedures/<id:procedure_id>/", procedures.procedure_page, name="procedure"),
    path("procedures/<id:procedure_id>/berichten/", istandaarden.procedure_messages, name="procedure-messages"),
    path("trajecten/<id:trajectory_id>/escaleren/", network.escalate, name="escalate"),
    path("escalaties/", network.escalations, name="escalations"),
    path("beheer/escalatieladder/", network.ladder_settings, name="ladder-settings"),
    path("beheer/gebeurtenissen/", events.subscriptions, name="events-subscriptions"),
    path(
        "beheer/gebeurtenissen/abonnementen/<id:subscription_id>/deactiveren/",
        events.deactivate,
        name="events-subscription-deactivate",
    ),
    path("beheer/gebeurtenissen/afleveringen/", events.deliveries, name="events-deliveries"),
    path("beheer/gebeurtenissen/afleveringen/<id:delivery_id>/opnieuw/", events.retry, name="events-delivery-retry"),
    path("beheer/zgw/", zgw.registrations, name="zgw-registrations"),
    path("beheer/zgw/instelling/", zgw.settings_page, name="zgw-settings"),
    path("beheer/zgw/<id:registration_id>/opnieuw/", zgw.retry, name="zgw-registration-retry"),
    path("sociale-kaart/", network.social_map, name="social-map"),
    path("sociale-kaart/export.zip", socialmap_views.export_csv, name="social-map-export-csv"),
    path("melden/", network.partner_signal_new, name="partner-signal-new"),
    path("melden/<id:signal_id>/ontvangen/", network.partner_signal_done, name="partner-signal-done"),
    path("melden/mijn-meldingen/", network.partner_signals, name="partner-signals"),
    path("beheer/netwerk/", partner_views.network_admin, name="network-admin"),
    path("netwerk/", partner_views.area_network, name="area-network"),
    path("netwerk/gebied/<id:area_id>/", partner_views.area_network, name="area-network-detail"),
    path("netwerk/sturing/", partner_views.steering, name="network-steering"),
    path("trajecten/<id:trajectory_id>/overdragen/", network.transfer_new, name="transfer-new"),
    path("team/overdrachten/", network.transfers, name="transfers"),
    path("overdrachten/<id:transfer_id>/<str:action>/", network.transfer_action, name="transfer-action"),
    path("escalaties/<id:escalation_id>/", network.escalation_page, name="escalation"),
    path("escalaties/<id:escalation_id>/<str:action>/", network.escalation_action, name="escalation-action"),
    path("trajecten/<id:trajectory_id>/casusoverleg/nieuw/", conference_views.conference_new, name="conference-new"),
    path("casusoverleggen/", conference_views.my_conferences, name="conferences"),
    path("casusoverleg/<id:conference_id>/", conference_views.conference_page, name="conference"),
    path("casusoverleg/<id:conference_id>/<str:kind>.pdf", conference_views.conference_pdf, name="conference-pdf"),
    path("casusoverleg/<id:conference_id>/<str:action>/", conference_views.conference_page, name="conference-action"),
    path("trajecten/<id:trajectory_id>/verwijzen/", referral_views.referral_new, name="referral-new"),
    path("verwijzingen/", referral_views.referral_list, name="referrals"),
    path("verwijzingen/<id:referral_id>/", referral_views.referral_page, name="referral"),
    path("verwijzingen/<id:referral_id>/<str:action>/", referral_views.referral_page, name="referral-action"),
    path("sturing/indicatoren/", steering.catalogue, name="steering-catalogue"),
    path("beheer/sturing/", steering.settings_page, name="steering-settings"),
    path("sturing/gmsd-wmo.csv", steering.gmsd_wmo, name="steering-gmsd"),
    path("sturing/exports/<id:export_id>/", steering_exports.status, name="steering-export-status"),
    path("sturing/exports/<id:export_id>/download", steering_exports.download, name="steering-export-download"),
    path("sturing/exports/<id:export_id>/opnieuw", steering_exports.retry, name="steering-export-retry"),
    path("sturing/<str:board_code>/", steering.dashboard, name="steering"),
    path("sturing/<str:board_code>/tijdreeks/", steering_exports.timeseries, name="steering-timeseries"),
    path("sturing/<str:board_code>/export.<str:fmt>", steering.export, name="steering-export"),
    path("sturing/<str:board_code>/rapportage.pdf", steering.report_pdf, name="steering-report"),
    path("organisatiekeuze/", governance.projects, name="governance-projects"),
    path("organisatiekeuze/evalueer/", governance.evaluate_api, name="governance-evaluate"),
    path("organisatiekeuze/<id:project_id>/", governance.project_page, name="governance-project"),
    path("organisatiekeuze/<id:project_id>/wijzig/<str:action>/", governance.project_action, name="governance-action"),
    path("organisatiekeuze/<id:project_id>/deelnemers/", governance.participants_page, name="governance-participants"),
    path(
        "organisatiekeuze/<id:project_id>/deelnemers/<str:action>/",
        governance.participants_action,
        name="governance-participants-action",
    ),
    path("organisatiekeuze/<id:project_id>/resultaten/", governance.results_page, name="governance-results"),
    path("organisatiekeuze/<id:project_id>/probleem.json", governance.problem_json, name="governance-problem"),
    path(
        "organisatiekeuze/<id:project_id>/businesscase/",
        governance.business_case_page,
        name="governance-business-case",
    ),
    path(
        "organisatiekeuze/<id:project_id>/businesscase/<str:action>/",
        governance.business_case_action,
        name="governance-business-case-action",
    ),
    path("organisatiekeuze/<id:project_id>/sturing/", governance.governance_page, name="governance-map"),
    path(
        "organisatiekeuze/<id:project_id>/sturing/<str:action>/",
        governance.governance_action,
        name="governance-map-action",
    ),
    path("organisatiekeuze/<id:project_id>/raadsrapportage.pdf", governance.report_pdf, name="governance-report"),
    path("inbreng/<str:token>/", governance_contribute.contribute, name="governance-contribute"),
    path("istandaarden/", istandaarden.overview, name="istandaarden"),
    path("istandaarden/verzoeken/", istandaarden.work_queue, name="istandaarden-queue"),
    path("istandaarden/verzoeken/<id:request_id>/", istandaarden.request_page, name="istandaarden-request"),
    path(
        "istandaarden/verzoeken/<id:request_id>/<str:action>/",
        istandaarden.request_action,
        name="istandaarden-request-action",
    ),
    path("procedures/<id:procedure_id>/intrekken/", procedures.procedure_withdraw, name="procedure-withdraw"),
    path("procedures/<id:procedure_id>/beschikking/", procedures.decision_new, name="decision-new"),
    path("beschikkingen/<id:decision_id>/voorziening/", procedures.provision_add, name="provision-add"),
    path("beschikkingen/<id:decision_id>/brief.pdf", procedures.decision_letter, name="decision-letter"),
    path("beschikkingen/<id:decision_id>/bezwaar/", procedures.objection_new, name="objection-new"),
    path("beschikkingen/<id:decision_id>/<str:action>/", procedures.decision_action, name="decision-action"),
    path("bezwaren/<id:objection_id>/<str:action>/", procedures.objection_action, name="objection-action"),
    path("waarnemingen/<id:stand_in_id>/beeindigen/", cases.stand_in_withdraw, name="stand-in-withdraw"),
    path("meldingen/nieuw/", signals.signal_new, name="signal-new"),
    path("meldingen/<id:signal_id>/", signals.signal_detail, name="signal-detail"),
    path("meldingen/<id:signal_id>/triage/", signals.signal_triage, name="signal-triage"),
    path("huishoudens/<id:household_id>/", cases.household_page, name="household"),
    path("huishoudens/<id:household_id>/betrokkenen/", cases.involved, name="involved"),
    path("huishoudens/<id:household_id>/toestemmingen/", privacy.consents, name="consents"),
    path("toestemmingen/<id:consent_id>/intrekken/", privacy.consent_withdraw, name="consent-withdraw"),
    path("huishoudens/<id:household_id>/leden/nieuw/", cases.add_member, name="member-add"),
    path("huishoudens/<id:household_id>/personen/<id:person_id>/", cases.person_page, name="household-person"),
    path(
        "huishoudens/<id:household_id>/personen/<id:person_id>/wijzigen/",
        cases.person_change,
        name="household-person-change",
    ),
    path(
        "huishoudens/<id:household_id>/personen/<id:person_id>/vertegenwoordiging/",
        portal_team.representation_add,
        name="representation-add",
    ),
    path(
        "huishoudens/<id:household_id>/personen/<id:person_id>/vertegenwoordiging/<id:representation_id>/einde/",
        portal_team.representation_end,
        name="representation-end",
    ),
    path("trajecten/<id:trajectory_id>/notities/", cases.notes, name="notes"),
    path("trajecten/<id:trajectory_id>/notities/nieuw/", cases.add_note, name="note-add"),
    path("trajecten/<id:trajectory_id>/regisseur/", cases.change_regisseur, name="regisseur-change"),
    path("trajecten/<id:trajectory_id>/betrokkenen/nieuw/", cases.add_involvement, name="involvement-add"),
    path("trajecten/<id:trajectory_id>/documenten/", cases.upload_document, name="document-upload"),
    path("documenten/<id:document_id>/", cases.download_document, name="document-download"),
    path("betrokkenheden/<id:involvement_id>/beeindigen/", cases.end_involvement, name="involvement-end"),
    path("trajecten/<id:trajectory_id>/afsluiten/", cases.close_trajectory, name="trajectory-close"),
    path("trajecten/<id:trajectory_id>/verkenning/nieuw/", plans.exploration_new, name="exploration-new"),
    path("trajecten/<id:trajectory_id>/plan/", plans.plan_page, name="plan"),
    path("trajecten/<id:trajectory_id>/plan/nieuw/", plans.plan_start, name="plan-start"),
    path("trajecten/<id:trajectory_id>/voortgang/nieuw/", plans.review_new, name="review-new"),
    path("plannen/<id:plan_id>/", plans.plan_update, name="plan-update"),
    path("plannen/<id:plan_id>/doelen/nieuw/", plans.goal_add, name="goal-add"),
    path("plannen/<id:plan_id>/akkoord/", plans.plan_agree, name="plan-agree"),
    path("doelen/<id:goal_id>/acties/nieuw/", plans.action_add, name="action-add"),
    path("acties/<id:action_id>/status/", plans.action_status, name="action-status"),
]

if settings.BRP_FAKE:  # the local Haal Centraal BRP fake with synthetic persons (people/brp/fake.py, docs/brp.md)
    urlpatterns.append(path("fake/haalcentraal/api/brp/personen", brp_fake.personen, name="brp-fake"))

handler403 = "toegang.common.views.error_403"
handler404 = "toegang.common.views.error_404"
handler500 = "toegang.common.views.error_500"
